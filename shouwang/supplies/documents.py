"""Printable documents (PDF through WeasyPrint with Debian's Noto CJK fonts): the
donation receipt and the letter of thanks."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Donation


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, {"SITE_NAME": settings.SITE_NAME, **context})
    return HTML(string=html).write_pdf()


def pdf_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _context(donation: Donation) -> dict[str, Any]:
    return {
        "donation": donation,
        "lines": list(donation.lines.select_related("item")),
        "office": donation.area.full_name(),
        "today": timezone.localdate(),
        "received_on": timezone.localtime(donation.received_at).date()
        if donation.received_at
        else None,
        "amount_upper": rmb_upper(donation.value),
        "voided_on": timezone.localtime(donation.voided_at).date() if donation.voided_at else None,
    }


def receipt_pdf(donation: Donation) -> bytes:
    return render_pdf("supplies/pdf/receipt.html", _context(donation))


def thanks_pdf(donation: Donation) -> bytes:
    return render_pdf("supplies/pdf/thanks.html", _context(donation))


DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ["", "拾", "佰", "仟"]
SECTIONS = ["", "万", "亿", "万亿"]


def _section(n: int) -> str:
    words, zero = "", False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += DIGITS[digit] + PLACES[place]
    return words


def rmb_upper(amount: Decimal) -> str:
    """An amount in capital Chinese numerals as written on receipts:
    Decimal('37500') → '叁万柒仟伍佰元整', Decimal('1.05') → '壹元零伍分'."""
    cents = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if cents < 0 or cents >= 10**18:
        raise ValueError("amount out of range")
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    text = ""
    if yuan:
        parts = []
        while yuan:
            yuan, part = divmod(yuan, 10_000)
            parts.append(part)
        gap = False
        for index in range(len(parts) - 1, -1, -1):
            part = parts[index]
            if part == 0:
                gap = bool(text)
                continue
            if text and (gap or part < 1000):
                text += "零"
            text += _section(part) + SECTIONS[index]
            gap = False
        text += "元"
    if not fraction:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text
