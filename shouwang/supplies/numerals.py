"""Numbers as people type them into the supplies forms: plain digits, with a decimal
point for money. Python reads far more (``Decimal("1e5")`` is 100000, ``"inf"``,
``"nan"``, ``"1_000"``), and Django's form fields take what Python reads: a
mistyped ``1e5`` became 100,000 yuan. Every money and quantity field of the app
(``PlainDecimalField``, ``PlainIntegerField``) goes through these first."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

# Digits (any script's decimal digits, as Python reads them: full-width ones typed
# with a Chinese IME too), an optional sign, at most one decimal point.
PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
NOT_PLAIN_DECIMAL = "请只填写数字（可带小数点），如 1200 或 1200.50；不接受 1e5、inf、nan 这类写法"
NOT_PLAIN_INTEGER = "请填写整数，如 1200；不接受 1e5、inf、nan 这类写法"


def parse_decimal(text: str) -> Decimal:
    """``text`` (surrounding spaces aside) as a finite Decimal when it is written as
    plain digits, else a ValidationError (code ``not_plain``)."""
    text = text.strip()
    if not PLAIN.fullmatch(text):
        raise ValidationError(NOT_PLAIN_DECIMAL, code="not_plain")
    return Decimal(text)


def parse_integer(text: str) -> int:
    """``text`` as an int when it is written as plain digits (``12`` or ``12.0``),
    else a ValidationError (code ``not_plain``)."""
    text = text.strip()
    if not PLAIN.fullmatch(text):
        raise ValidationError(NOT_PLAIN_INTEGER, code="not_plain")
    number = Decimal(text)
    if number != number.to_integral_value():
        raise ValidationError(NOT_PLAIN_INTEGER, code="not_plain")
    return int(number)


def _python_reads(value: object) -> bool:
    """Whether Python takes ``value`` (typed text) for a number: text it does not read
    (``一千``) is left to the field's own message (请填写数字金额 …)."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        Decimal(value.strip())
    except InvalidOperation:
        return False
    return True


class PlainDecimalField(forms.DecimalField):
    """Django's DecimalField refusing numbers not written as plain digits
    (``parse_decimal``): ``1e5``, ``inf``, ``nan``."""

    def to_python(self, value):
        if _python_reads(value):
            parse_decimal(value)
        return super().to_python(value)


class PlainIntegerField(forms.IntegerField):
    """Django's IntegerField refusing numbers not written as plain digits
    (``parse_integer``)."""

    def to_python(self, value):
        if _python_reads(value):
            parse_integer(value)
        return super().to_python(value)
