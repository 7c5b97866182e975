"""Form fields every app shares."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shouwang.core.tests.personas import World

HUGE = "9" * 25  # no database integer holds it


@pytest.mark.parametrize(
    ("route", "field", "message"),
    [
        ("areas:grid_create", "compounds", "所选小区不在您的辖区内或已不存在"),
        ("areas:grid_create", "staff", "所选责任人不在您的辖区内或已停用"),
        ("checkpoints:create", "staff", "所选值守人员不在可选范围内或已不存在"),
    ],
)
def test_an_id_beyond_any_integer_is_an_invalid_choice(
    world: World, route: str, field: str, message: str
):
    response = world.client("hq").post(reverse(route), {"name": "东门", field: HUGE})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}"])
def test_the_field_refuses_it_before_the_database(world: World, value: str) -> None:
    from shouwang.areas.models import Area
    from shouwang.core.forms import RowsChoiceField

    field = RowsChoiceField(queryset=Area.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(world.building_a.pk), value])
    assert refused.value.code == "invalid_pk_value"
    assert list(field.clean([str(world.building_a.pk)])) == [world.building_a]


def test_a_card_names_the_field_of_djangos_own_messages_only():
    from datetime import date

    from django import forms
    from django.core.exceptions import ValidationError

    from shouwang.core.forms import error_text

    class PostForm(forms.Form):
        temperature = forms.DecimalField(label="体温")
        day = forms.DateField(label="到访日")
        valid_until = forms.DateField(label="有效期至", required=False)

        def clean_valid_until(self) -> date | None:
            day = self.cleaned_data["valid_until"]
            if day is not None and day < date(2026, 1, 1):
                raise ValidationError("有效期不能早于今天")
            return day

    form = PostForm({"day": "2026-13-45", "valid_until": "2025-01-01"})
    assert not form.is_valid()
    assert error_text(form) == (
        "体温：此项必填。；到访日：请填写正确的日期，如 2020-02-01。；有效期不能早于今天"
    )
