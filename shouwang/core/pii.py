"""Personal data at rest: encryption, keyed lookup hashes and masking.

ID numbers and phone numbers are stored as Fernet tokens (``cryptography``) with an
HMAC-SHA256 beside each for exact lookup and de-duplication. Keys come from settings
(environment, or generated once into ``var/``); ``MultiFernet`` lets old keys decrypt
while the first key encrypts, so ``shouwang rotate_pii_key`` can re-encrypt in place.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.PII_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key is an operator error, never silent
        raise ValueError("个人信息无法解密：密钥不匹配") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token under the newest key."""
    return fernet().rotate(token.encode()).decode() if token else ""


def lookup_hash(value: str) -> str:
    """Keyed hash for exact lookup; normalised so '41010519...x' matches '...X'."""
    if not value:
        return ""
    normalised = value.strip().upper()
    return hmac.new(settings.PII_HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def tail_hash(value: str) -> str:
    """Keyed hash of a document's last four characters, for search by tail. Not the tail
    itself: with the birth date (kept in the clear for ages) and the district's region
    code, the last four digits would rebuild a local resident's whole ID card number."""
    if not value:
        return ""
    tail = value.strip().upper()[-4:]
    digest = hmac.new(settings.PII_HASH_KEY.encode(), f"tail:{tail}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def mask_id(value: str) -> str:
    """'410105199001011234' -> '410105********1234'; short documents keep 2+2."""
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


def mask_phone(value: str) -> str:
    """'13812345678' -> '138****5678'."""
    if not value:
        return ""
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


# What ``mask_id`` makes of a document of 15 or more characters, and ``mask_phone`` of
# a mainland mobile: the tail they keep is all a search can use of them.
MASKED_DOCUMENT = re.compile(r"[0-9A-Z]{6}\*{5,}([0-9A-Z]{4})", re.IGNORECASE)
MASKED_PHONE = re.compile(r"1[0-9]{2}\*{4}([0-9]{4})")


def masked_tail(text: str) -> tuple[str, str] | None:
    """("document", tail) or ("phone", tail) when ``text`` is a number as pages show it
    masked ('410105********1234', '138****5678'); None otherwise."""
    if match := MASKED_DOCUMENT.fullmatch(text):
        return "document", match[1].upper()
    if match := MASKED_PHONE.fullmatch(text):
        return "phone", match[1]
    return None


# A run of 11 or more digits (a last X allowed) in free text: a phone or an ID number.
NUMBER_IN_TEXT = re.compile(r"[0-9]{11,}[Xx]?")


def mask_in_text(text: str) -> str:
    """Text that quotes a cell, with any phone or ID number in it masked:
    '地址“13812345678”' -> '地址“138****5678”'."""
    return NUMBER_IN_TEXT.sub(
        lambda m: (mask_id if len(m[0]) >= 15 else mask_phone)(m[0].upper()), text
    )


class EncryptedPhone:
    """Read side of a model's ``phone_enc`` field: the value and its masked form."""

    phone_enc: str

    @property
    def phone(self) -> str:
        return decrypt(self.phone_enc)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class EncryptedDocument:
    """Read side of a model's ``doc_enc`` field: the number and its masked form."""

    doc_enc: str

    @property
    def document_number(self) -> str:
        return decrypt(self.doc_enc)

    @property
    def document_masked(self) -> str:
        return mask_id(self.document_number)
