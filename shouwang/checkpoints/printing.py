"""Printable PDFs: one A4 poster per checkpoint and sheets of pass cards.

WeasyPrint lays out HTML with Debian's ``fonts-noto-cjk`` (embedded as subsets, so the
PDF prints anywhere). QR payloads are ASCII URLs; segno draws them as SVG.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

import segno
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from shouwang.areas.models import Area

from . import tokens
from .models import Checkpoint, Pass

INSTRUCTIONS = [
    "一、用手机微信或相机扫描二维码，首次扫码请如实填写信息和健康申报",
    "二、再次通过时扫码后只需点一下“进”或“出”，向值守人员出示结果页面",
    "三、体温≥37.3℃、有发热咳嗽或14天内去过风险地区，请主动告知值守人员",
]


# Cards per PDF of the batch print: larger runs are printed in further batches.
CARDS_PER_PDF = 400

# The poster's title has the height of one 40-pt line; the QR code and the instructions
# below it use the rest of the page (a second 40-pt line pushed the last instruction off).
TITLE_PT = 40
TITLE_WIDTH_PT = 500  # the text width (182 mm, 516 pt) less a margin


# Advance widths, in thousandths of an em, of printable ASCII (space to ~) in the
# title's face, Noto Sans CJK SC Bold (its hmtx table): Latin letters and digits are
# proportional, from 0.3 em (i) to 1 em (@, m), not a fixed half. Any other character is
# counted as one em, as CJK glyphs are.
_ASCII_WIDTHS = (
    "227 370 574 590 590 963 740 325 378 378 507 590 325 370 325 387 590 590 590 "
    "590 590 590 590 590 590 590 325 325 590 590 590 514 1007 641 681 656 714 615 "
    "585 717 757 330 568 686 578 853 749 770 667 770 682 624 625 748 619 915 627 "
    "580 613 378 387 378 590 567 626 591 644 527 644 581 372 597 640 304 306 604 "
    "315 964 641 626 644 644 436 495 421 637 576 863 562 574 511 378 296 378 590"
)
_ASCII_EM = {chr(0x20 + i): int(w) / 1000 for i, w in enumerate(_ASCII_WIDTHS.split())}
# What a line cannot be broken inside: a run of ASCII letters, digits and signs (a word,
# G107, A-1), or one other character.
_UNBREAKABLE = re.compile(r"[!-~]+|.", re.DOTALL)


def _em(text: str) -> float:
    return sum(_ASCII_EM.get(c, 1.0) for c in text)


def title_pt(name: str) -> float:
    """The title's font size: the largest at which the name fits in the height of one
    40-pt line, as k lines of 40/k pt, measuring each character by its width (CJK one
    em, ASCII its own). k lines surely hold the name at a size where the line holds
    1/k of its width plus the widest piece a line cannot break inside: each line but
    the last is filled to within that piece."""
    width = max(_em(name), 1.0)
    widest = max((_em(piece) for piece in _UNBREAKABLE.findall(name)), default=1.0)
    best = max(
        min(TITLE_PT / k, TITLE_WIDTH_PT * k / (width + (k - 1) * widest))
        for k in range(1, max(len(name), 1) + 1)
    )
    return math.floor(best * 10) / 10


# What the poster's font (Noto CJK) cannot be counted on to draw, printed as an empty
# box: symbols such as emoji (🚧, ⭐), private-use, unassigned and surrogate code
# points. Judged by Unicode category, not by the font. Control and format characters
# (a line break, a zero-width space) are not here: a place's name drops them
# (``typed_place_name``).
UNPRINTABLE_CATEGORIES = frozenset({"So", "Co", "Cn", "Cs"})


def unprintable(name: str) -> str:
    """The characters of ``name`` the poster cannot draw, each once, joined by 、
    (private-use and unassigned code points, which show nothing, as U+XXXX); "" if none."""
    found = dict.fromkeys(c for c in name if unicodedata.category(c) in UNPRINTABLE_CATEGORIES)
    return "、".join(c if unicodedata.category(c) == "So" else f"U+{ord(c):04X}" for c in found)


def refuse_unprintable(name: str) -> None:
    """Refuse a name the poster would print with empty boxes, naming the characters."""
    shown = unprintable(name)
    if shown:
        raise forms.ValidationError(f"名称含有海报无法打印的字符：{shown}", code="unprintable")


def printable(name: str) -> str:
    """``name`` as the poster prints it: a name saved before names were checked
    (``refuse_unprintable``) loses the characters that would print as empty boxes."""
    kept = "".join(c for c in name if unicodedata.category(c) not in UNPRINTABLE_CATEGORIES)
    return " ".join(kept.split())


def public_base_url(request: HttpRequest) -> str:
    """Where residents reach this server: SHOUWANG_PUBLIC_URL, else the request's host.
    A configured address a phone would not open is refused (``check_base_url``)."""
    configured = settings.SHOUWANG_PUBLIC_URL
    if configured:
        return check_base_url(configured)
    return request.build_absolute_uri("/").rstrip("/")


def check_base_url(base_url: str) -> str:
    """The address printed in every QR code, refused (ValueError, in Chinese) unless a
    phone would open it: without http:// or https:// a scanner shows the code as text."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"地址“{base_url}”无效：须以 http:// 或 https:// 开头并写明域名或IP，"
            "如 https://fk.example.gov.cn"
        )
    return base_url.rstrip("/")


def checkpoint_url(checkpoint: Checkpoint, base_url: str) -> str:
    return base_url + quote(reverse("checkin:scan", kwargs={"code": checkpoint.code}))


def qr_data_uri(payload: str, *, scale: int = 10) -> str:
    return segno.make(payload, error="m").svg_data_uri(scale=scale, border=2)


def qr_svg(payload: str, *, scale: int = 6) -> bytes:
    import io

    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False)
    return out.getvalue()


def _subdistrict_names(checkpoints: list[Checkpoint]) -> dict[int, str]:
    subdistricts = {
        a.path: a.name for a in Area.objects.filter(kind=Area.Kind.SUBDISTRICT).only("path", "name")
    }
    names = {}
    for cp in checkpoints:
        names[cp.pk] = next(
            (name for path, name in subdistricts.items() if cp.area.path.startswith(path)), ""
        )
    return names


def posters_html(checkpoints: Iterable[Checkpoint], *, base_url: str) -> str:
    items = list(checkpoints)
    subdistricts = _subdistrict_names(items)
    posters = []
    for cp in items:
        title = printable(cp.name)
        posters.append(
            {
                "checkpoint": cp,
                "subdistrict": printable(subdistricts.get(cp.pk, "")),
                "title": title,
                "title_pt": title_pt(title),
                "qr": qr_data_uri(checkpoint_url(cp, base_url)),
            }
        )
    return render_to_string(
        "checkpoints/print/posters.html", {"posters": posters, "instructions": INSTRUCTIONS}
    )


def posters_pdf(checkpoints: Iterable[Checkpoint], *, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=posters_html(checkpoints, base_url=base_url)).write_pdf()


def card_batches(count: int) -> list[tuple[int, int, int]]:
    """The batch print's runs for ``count`` cards: (batch, first card, last card)."""
    return [
        (n + 1, start + 1, min(start + CARDS_PER_PDF, count))
        for n, start in enumerate(range(0, count, CARDS_PER_PDF))
    ]


def cards_pdf(passes: Iterable[Pass]) -> bytes:
    from weasyprint import HTML

    items = list(passes)
    areas = Area.full_names({p.person.area_id: p.person.area for p in items}.values())
    cards = [
        {
            "pass": p,
            "qr": qr_data_uri(tokens.card_token(p.code), scale=6),
            "area": areas[p.person.area_id],
        }
        for p in items
    ]
    html = render_to_string(
        "checkpoints/print/cards.html", {"cards": cards, "SITE_NAME": settings.SITE_NAME}
    )
    return HTML(string=html).write_pdf()
