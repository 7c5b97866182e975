"""``shouwang rotate_pii_key`` as docs/privacy.md tells it: put a new key first, rotate,
drop the old key. Everything must still decrypt: reveals, searches by full number and
imports checked before the rotation and confirmed after it."""

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from shouwang.core import pii
from shouwang.people.models import ImportJob, Person
from shouwang.people.tests.factories import template_row, xlsx_upload

ID = "410105199001011233"
PHONE = "13800138000"


@pytest.fixture
def rotate(settings):
    """Rotate to a new key as documented and return it; afterwards only it is set."""

    def run() -> str:
        new = Fernet.generate_key().decode()
        settings.PII_ENCRYPTION_KEYS = [new, *settings.PII_ENCRYPTION_KEYS]
        call_command("rotate_pii_key", stdout=io.StringIO())
        settings.PII_ENCRYPTION_KEYS = [new]
        return new

    return run


def test_it_keeps_reveals_and_full_number_searches_working(world, ledger, rotate):
    new = rotate()
    zhang = Person.objects.get(pk=ledger.zhang.pk)
    assert Fernet(new.encode()).decrypt(zhang.doc_enc.encode()).decode() == "410105194001011230"
    client = world.client("staff_a")
    found = client.post(reverse("people:index"), {"q": "410105194001011230"})
    assert [p.pk for p in found.context["persons"]] == [zhang.pk]
    revealed = client.post(reverse("people:person_reveal", args=[zhang.pk, "document"]))
    assert "410105194001011230" in revealed.content.decode()
    revealed = client.post(reverse("people:person_reveal", args=[zhang.pk, "phone"]))
    assert "13512345678" in revealed.content.decode()


def test_an_import_checked_before_it_commits_readable_after(world, importer, rotate):
    job = importer.upload(xlsx_upload([template_row("刘备", ID, PHONE)]))
    assert job.status == ImportJob.Status.CHECKED
    rotate()
    importer.commit(job)
    assert job.status == ImportJob.Status.DONE
    person = Person.objects.get(doc_hash=pii.lookup_hash(ID))
    assert (person.document_number, person.phone) == (ID, PHONE)
    revealed = importer.client.post(reverse("people:person_reveal", args=[person.pk, "document"]))
    assert ID in revealed.content.decode()


def test_a_dry_run_changes_no_staged_row(world, importer, settings):
    job = importer.upload(xlsx_upload([template_row("刘备", ID, PHONE)]))
    before = Path(job.stage_path).read_text(encoding="utf-8")
    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.PII_ENCRYPTION_KEYS]
    out = io.StringIO()
    call_command("rotate_pii_key", dry_run=True, stdout=out)
    assert "待确认导入的暂存行: 1 行" in out.getvalue()
    assert Path(job.stage_path).read_text(encoding="utf-8") == before


def test_a_value_no_key_decrypts_stops_the_command_with_a_message(world, ledger, settings):
    settings.PII_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is lost
    with pytest.raises(CommandError, match="无法用现有任何密钥解密"):
        call_command("rotate_pii_key", stdout=io.StringIO())
