"""A checkpoint's name is printed on its poster: a character the poster's font cannot
draw (an emoji, a private-use character) is refused by the form, naming it, rather than
printed as an empty box."""

from __future__ import annotations

import io

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from ..models import Checkpoint
from ..printing import refuse_unprintable
from .factories import make_checkpoint

pytestmark = pytest.mark.django_db


def _data(area, name: str) -> dict:
    return {"area": area.pk, "name": name, "kind": "gate", "directions": "both", "active": "on"}


def test_it_refuses_an_emoji_in_a_new_checkpoints_name(world) -> None:
    response = world.client("staff_a").post(
        reverse("checkpoints:create"), _data(world.compound_a, "🚧东门")
    )
    assert response.status_code == 400
    assert "名称含有海报无法打印的字符：🚧" in response.content.decode()
    assert not Checkpoint.objects.exists()


def test_it_refuses_a_private_use_character_when_renaming(world) -> None:
    checkpoint = make_checkpoint(world.compound_a, "东门")
    response = world.client("staff_a").post(
        reverse("checkpoints:edit", args=[checkpoint.pk]),
        _data(world.compound_a, "东\ue000门⭐"),
    )
    assert response.status_code == 400
    assert "名称含有海报无法打印的字符：U+E000、⭐" in response.content.decode()
    checkpoint.refresh_from_db()
    assert checkpoint.name == "东门"


def test_it_keeps_names_as_places_are_written(world) -> None:
    response = world.client("staff_a").post(
        reverse("checkpoints:create"), _data(world.compound_a, "3号楼（北）东门·A-1")
    )
    assert response.status_code == 302
    assert Checkpoint.objects.get().name == "3号楼（北）东门·A-1"


# What place names are written with: CJK, ASCII, full-width punctuation (（）：·), and
# the unseen characters a name drops (a zero-width space, a line break).
_PLACE_TEXT = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    | st.characters(min_codepoint=0x20, max_codepoint=0x7E)
    | st.sampled_from("（）：·、—①②\u200b\n"),
    max_size=30,
)
_EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF, categories=["So"])


@given(_PLACE_TEXT)
def test_a_place_name_is_never_refused(name: str) -> None:
    refuse_unprintable(name)


@given(_PLACE_TEXT, _EMOJI, _PLACE_TEXT)
def test_a_name_with_an_emoji_is_refused_naming_it(before: str, emoji: str, after: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        refuse_unprintable(before + emoji + after)
    assert refused.value.messages == [f"名称含有海报无法打印的字符：{emoji}"]


def test_a_name_saved_before_the_check_prints_without_its_emoji(world) -> None:
    checkpoint = make_checkpoint(world.compound_a, "🚧西城花园 \ue000东门⭐")
    response = world.client("staff_a").get(reverse("checkpoints:poster", args=[checkpoint.pk]))
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "西城花园 东门" in text
    assert not {"🚧", "⭐", "\ue000"} & set(text)


def test_the_checkpoint_page_asks_to_rename_a_name_the_poster_cannot_print(world) -> None:
    checkpoint = make_checkpoint(world.compound_a, "🚧东门\ue000")
    page = world.client("staff_a").get(reverse("checkpoints:detail", args=[checkpoint.pk]))
    assert "名称中的“🚧、U+E000”无法印在海报上，打印时将略去" in page.content.decode()
    checkpoint.name = "东门"
    checkpoint.save()
    page = world.client("staff_a").get(reverse("checkpoints:detail", args=[checkpoint.pk]))
    assert "无法印在海报上" not in page.content.decode()
