"""Static files' URLs in production: the manifest's hashed names, worked out once per
process (every phone page names two files, and the manifest does not change while the
server runs)."""

import json
from unittest import mock

import pytest
from django.test import override_settings

from shouwang.core.staticfiles import StaticStorage


@pytest.fixture
def storage(tmp_path) -> StaticStorage:
    manifest = {"paths": {"checkin/phone.js": "checkin/phone.1a2b3c.js"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=tmp_path, base_url="/static/")


@override_settings(DEBUG=False)
def test_it_names_the_hashed_file_and_works_it_out_once(storage) -> None:
    assert storage.url("checkin/phone.js") == "/static/checkin/phone.1a2b3c.js"
    with mock.patch.object(storage, "stored_name", side_effect=AssertionError) as stored:
        assert storage.url("checkin/phone.js") == "/static/checkin/phone.1a2b3c.js"
    stored.assert_not_called()


@override_settings(DEBUG=False)
def test_it_refuses_a_file_missing_from_the_manifest_every_time(storage) -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("nowhere.js")


def test_it_names_the_plain_file_while_debugging(storage) -> None:
    with override_settings(DEBUG=True):
        assert storage.url("checkin/phone.js") == "/static/checkin/phone.js"
    with override_settings(DEBUG=False):
        assert storage.url("checkin/phone.js") == "/static/checkin/phone.1a2b3c.js"


@override_settings(DEBUG=False)
def test_it_forgets_the_urls_when_the_files_are_collected_again(storage) -> None:
    storage.url("checkin/phone.js")
    with mock.patch(
        "whitenoise.storage.CompressedManifestStaticFilesStorage.post_process",
        return_value=iter([]),
    ):
        list(storage.post_process({}))
    storage.hashed_files["checkin/phone.js"] = "checkin/phone.4d5e6f.js"
    assert storage.url("checkin/phone.js") == "/static/checkin/phone.4d5e6f.js"
