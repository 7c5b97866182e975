"""The static files storage: WhiteNoise's compressed, hashed files, their URLs worked
out once per process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Every page names its files by ``{% static %}``, which looks the hashed name up in
    the manifest and builds the URL each time — a measurable share of a resident's
    one-tap page. The manifest is read once when the process starts (the server's
    workers start after ``collectstatic``), so the answer for a name is kept; a
    ``collectstatic`` run in the same process forgets them. A name missing from the
    manifest is refused every time, as before; in DEBUG the plain names are not kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        if force or settings.DEBUG:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found

    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[tuple]:
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
