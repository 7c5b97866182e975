"""The poster's title is set as large as fits one 40-pt line's height: Latin letters and
digits are measured by their own widths (narrower than a CJK glyph, mostly), so a name
written with them is not printed smaller than it needs, and a long word, which a line
cannot break inside, is not set wider than the page."""

from __future__ import annotations

import pytest

from .. import printing
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db

TEXT_WIDTH_PT = 516  # A4 less 14-mm margins: 182 mm


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _title(world, name: str):
    from weasyprint import HTML

    checkpoint = make_checkpoint(world.compound_a, name)
    document = HTML(string=printing.posters_html([checkpoint], base_url="https://x.cn")).render()
    assert len(document.pages) == 1
    boxes = list(_boxes(document.pages[0]._page_box))
    title = next(b for b in boxes if b.element is not None and b.element.get("class") == "title")
    lines = [b for b in _boxes(title) if type(b).__name__ == "LineBox"]
    px_to_pt = 0.75
    right = max(t.position_x + t.width for line in lines for t in line.children) * px_to_pt
    left = min(t.position_x for line in lines for t in line.children) * px_to_pt
    return title.style["font_size"] * px_to_pt, len(lines), right - left


@pytest.mark.parametrize(
    ("name", "at_least"),
    [
        ("Zhengzhou Airport Gate 12", 35),  # counted as 25 full-width characters: 20 pt
        ("G107国道北出口2号", 40),
    ],
)
def test_it_sets_a_name_with_latin_letters_on_one_line_as_large_as_fits(
    world, name, at_least
) -> None:
    size, lines, width = _title(world, name)
    assert size >= at_least
    assert lines == 1
    assert width <= TEXT_WIDTH_PT


@pytest.mark.parametrize("name", ["W" * 40, "Mmmm-" * 12, "郑州" + "m" * 30 + "东门"])
def test_a_word_a_line_cannot_break_stays_within_the_page(world, name) -> None:
    size, lines, width = _title(world, name)
    assert width <= TEXT_WIDTH_PT
    assert lines * size <= printing.TITLE_PT
