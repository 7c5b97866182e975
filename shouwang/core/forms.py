"""Form fields every app's forms share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# The most digits of a row id a 64-bit database integer always holds.
ROW_ID_DIGITS = 18

# The largest value of PostgreSQL's ``integer`` column (SQLite's holds 64 bits).
INTEGER_MAX = 2_147_483_647

# The largest 排序 (sort order) typed in a form; the column is a small integer.
ORDER_MAX = 9999


def integer_column(
    model: type[models.Model], name: str, *, max_value: int, **kwargs: Any
) -> forms.IntegerField:
    """The form field of a model's integer column, with the largest value that makes
    sense. Django checks a column's range only on PostgreSQL, so without it SQLite
    stores 99,999,999,999 employees that PostgreSQL refuses: the form states the
    maximum itself and both databases refuse the same input (不能大于 …)."""
    field = model._meta.get_field(name).formfield(max_value=max_value, **kwargs)
    if not isinstance(field, forms.IntegerField):
        raise TypeError(f"{model.__name__}.{name} is not an integer column")
    return field


def not_offered(label: Any) -> str:
    """What a form says of a row id it did not offer (a row deleted or moved out of
    the user's area since the page was drawn, another community's, a number typed into
    the page): what to do, never which id (Django's "选择一个有效的选项。42 不在可用的选项中"
    shows the raw database id)."""
    return f"所选{label or '项目'}不在可选范围内或已不存在，请刷新页面后重新选择"


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows by id, refusing an id no database integer
    holds: Django passes each submitted value into an ``IN`` list, where "99…9" is an
    overflow on SQLite and PostgreSQL alike (a 500) rather than a missing row. A value
    not offered is refused in words naming the field, not the id (``not_offered``),
    unless the field is given its own message."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset, **kwargs)
        given = kwargs.get("error_messages") or {}
        for code in ("invalid_choice", "invalid_pk_value"):
            if code not in given:
                self.error_messages[code] = not_offered(self.label)

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for pk in value:
                text = str(pk)
                if not (text.isascii() and text.isdigit() and len(text) <= ROW_ID_DIGITS):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": text[:20]},
                    )
        return super().clean(value)


def error_text(form: forms.Form) -> str:
    """Every message of an invalid form in one line, for a card or a flash message.
    Django's own messages (这个字段是必填项, 输入一个有效的日期) name no field and nothing
    on a card points at it: they are prefixed with the field's label (体温：…); our own
    messages say what to fix in their own words."""
    parts = []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            for message in error.messages:
                generic = error.code is not None and label and label not in message
                parts.append(f"{label}：{message}" if generic else message)
    return "；".join(parts)


def recorded(
    form: forms.Form, record: Callable[[dict[str, Any]], tuple[Any, bool]]
) -> tuple[bool, str]:
    """A phone card's one write: ``record`` (an action returning ``(row, created)``) on
    a valid form's data. (created, "") — or (False, why not, in Chinese): the form's
    messages, or the action's refusal."""
    if not form.is_valid():
        return False, error_text(form)
    try:
        _, created = record(form.cleaned_data)
    except ValidationError as exc:
        return False, "；".join(exc.messages)
    return created, ""
