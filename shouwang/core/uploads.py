"""Uploads kept between a preview and its commit: a random name under var/uploads,
bound to the session that made it, removed after commit or cancel, or by the hourly
purge (``purge_stale``) once its preview was left for a day."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from .xlsx import check_upload

SESSION_KEY = "shouwang_uploads"
STALE_AFTER = timedelta(days=1)  # longer than any session that could still commit it
# A commit whose file is gone: committed already (a second click, the form sent
# again) or never stashed in this session.
GONE_MESSAGE = "这份文件已导入过或已失效：请先查看是否已导入，需要时重新上传"


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(request: HttpRequest, upload: UploadedFile, *, purpose: str) -> str:
    """Check and store an upload; returns a token for the commit step."""
    check_upload(upload)
    token = secrets.token_urlsafe(16)
    with open(upload_dir() / f"{token}.xlsx", "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    tokens = request.session.get(SESSION_KEY, {})
    tokens[token] = purpose
    request.session[SESSION_KEY] = tokens
    return token


def path_for(request: HttpRequest, token: str, *, purpose: str) -> Path | None:
    """The stored file for ``token`` if this session stashed it for ``purpose``."""
    if request.session.get(SESSION_KEY, {}).get(token) != purpose:
        return None
    path = upload_dir() / f"{token}.xlsx"
    return path if path.exists() else None


def discard(request: HttpRequest, token: str) -> None:
    tokens = request.session.get(SESSION_KEY, {})
    tokens.pop(token, None)
    request.session[SESSION_KEY] = tokens
    (upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)


def purge_stale(*, keep: set[str] = frozenset(), dry_run: bool = False) -> int:
    """Delete uploads older than ``STALE_AFTER`` (previews never committed), except the
    paths in ``keep`` (files a job still owns); returns how many were (or would be)
    deleted."""
    cutoff = (timezone.now() - STALE_AFTER).timestamp()
    stale = [
        path
        for path in upload_dir().glob("*.xlsx")
        if str(path) not in keep and path.stat().st_mtime < cutoff
    ]
    if not dry_run:
        for path in stale:
            path.unlink(missing_ok=True)
    return len(stale)
