"""Signed pass tokens (the QR content of 出入证) and the resident's remembered phone.

A phone pass QR holds ``P<code>:<timestamp>:<signature>`` and expires two minutes after
it was drawn (the page redraws it every minute); a printed card holds
``C<code>:<signature>`` and lives as long as the card is not revoked. Both are HMACs
under SECRET_KEY with their own salts, so a token cannot be altered or made up.

A phone remembers the passes registered on it (a parent's, a child's beside the
owner's: one adult often scans for family members without phones) in one cookie: up to
``PHONE_PASSES`` pass codes, each signed on its own as Django's signed cookie signs one
value, joined by ``|``. A cookie from before (one signed code) is a list of one; an
altered or forged entry is dropped and the rest kept.
"""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

PHONE_SALT = "shouwang.checkpoints.phone-pass"
CARD_SALT = "shouwang.checkpoints.card-pass"
COOKIE_SALT = "shouwang.checkpoints.device"
COOKIE_NAME = "sw_pass"
COOKIE_AGE = 180 * 24 * 3600
PHONE_TOKEN_SECONDS = 120
PHONE_PASSES = 6  # persons one phone remembers (six entries are ~330 bytes of cookie)
_SEPARATOR = "|"  # in neither a pass code (URL-safe base64) nor a signature


class TokenRejected(ValueError):
    """The message says, in Chinese, why the pass was not accepted."""


def phone_token(code: str) -> str:
    return signing.TimestampSigner(salt=PHONE_SALT).sign("P" + code)


def card_token(code: str) -> str:
    return signing.Signer(salt=CARD_SALT).sign("C" + code)


def read_token(text: str, *, scanned_at: datetime | None = None) -> tuple[str, str]:
    """``(kind, code)`` of a scanned token, kind "phone" or "card"; or TokenRejected.

    A phone token must have been drawn at most PHONE_TOKEN_SECONDS before it was
    scanned: ``scanned_at`` for a scan uploaded later (a post without signal), else now."""
    text = (text or "").strip()
    if "/" in text:  # a scanner app may hand over a URL ending in the token
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if len(text) > 200 or not text:
        raise TokenRejected("不是本系统的出入证二维码")
    try:
        if text.startswith("P"):
            waited = (timezone.now() - scanned_at).total_seconds() if scanned_at else 0
            value = signing.TimestampSigner(salt=PHONE_SALT).unsign(
                text, max_age=PHONE_TOKEN_SECONDS + max(waited, 0)
            )
            return "phone", value[1:]
        if text.startswith("C"):
            return "card", signing.Signer(salt=CARD_SALT).unsign(text)[1:]
    except signing.SignatureExpired as exc:
        raise TokenRejected("出入证二维码已过期，请让对方刷新后再扫") from exc
    except signing.BadSignature as exc:
        raise TokenRejected("出入证二维码无效（签名不符，疑似伪造或被篡改）") from exc
    raise TokenRejected("不是本系统的出入证二维码")


def _cookie_signer() -> signing.Signer:
    # The signer of HttpResponse.set_signed_cookie: an entry is what that wrote.
    return signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT)


def remembered_codes(request: HttpRequest) -> list[str]:
    """The pass codes this phone registered, first registered first: the entries of
    its cookie whose signature holds (at most PHONE_PASSES, no repeats)."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return []
    signer, codes = _cookie_signer(), []
    for entry in raw.split(_SEPARATOR)[: PHONE_PASSES * 2]:
        try:
            code = signer.unsign(entry)
        except signing.BadSignature:
            continue
        if code and code not in codes:
            codes.append(code)
    return codes[:PHONE_PASSES]


def chosen_code(codes: list[str], wanted: str | None) -> str | None:
    """The pass a page or tap names (``wanted``) if this phone holds it; with no name,
    the phone's only pass. None: the phone does not hold it, or must say whose."""
    if wanted:
        return wanted if wanted in codes else None
    return codes[0] if len(codes) == 1 else None


def remember(response: HttpResponse, codes: list[str], *, secure: bool) -> None:
    signer = _cookie_signer()
    response.set_cookie(
        COOKIE_NAME,
        _SEPARATOR.join(signer.sign(code) for code in codes[:PHONE_PASSES]),
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
