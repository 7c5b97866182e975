"""Every field on the post's console has a label a screen reader reads: the rows'
temperature and reason inputs (not only a placeholder), and the radio groups
(进/出, 人员/车辆) a fieldset with its legend — never a ``<label for="">``."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .factories import make_checkin, make_person

pytestmark = pytest.mark.django_db


class Fields(HTMLParser):
    """The visible inputs of a page, whether each is labelled, and the labels' targets."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.label_for: list[str | None] = []
        self.open_labels = 0
        self.open_fieldsets: list[bool] = []  # whether each open fieldset has a legend
        self.legends: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if "for" in a:
                self.label_for.append(a["for"])
        elif tag == "fieldset":
            self.open_fieldsets.append(False)
        elif tag == "legend" and self.open_fieldsets:
            self.open_fieldsets[-1] = True
        elif tag in ("input", "select", "textarea") and a.get("type") not in (
            "hidden",
            "submit",
        ):
            self.inputs.append({**a, "wrapped": "1" if self.open_labels else None, "tag": tag})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1
        elif tag == "fieldset":
            self.open_fieldsets.pop()


def parsed(html: str) -> Fields:
    fields = Fields()
    fields.feed(html)
    return fields


def test_every_console_field_is_labelled(world, gate) -> None:
    person = make_person(world.building_a)
    make_checkin(gate, person=person, source="self", status="declared", result="y")
    make_checkin(gate, person=make_person(world.building_a, "李四"), result="r")
    html = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    fields = parsed(html.content.decode())
    assert "" not in fields.label_for
    assert None not in fields.label_for
    labelled = set(fields.label_for)
    unlabelled = [
        f
        for f in fields.inputs
        if not f["wrapped"] and f.get("id") not in labelled and not f.get("aria-label")
    ]
    assert unlabelled == []
    temperatures = [f for f in fields.inputs if f.get("name") == "temperature"]
    assert len(temperatures) >= 2  # the two rows' at least


def test_the_direction_is_a_fieldset_with_its_legend(world, gate) -> None:
    html = world.client("guard_a").get(reverse("checkpoints:console_post", args=[gate.pk]))
    page = html.content.decode()
    assert "<legend>方向" in page
    assert 'for=""' not in page
