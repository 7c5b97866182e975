"""Form fields every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# The most digits of a row id a 64-bit database integer always holds.
ROW_ID_DIGITS = 18


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows by id, refusing an id no database integer
    holds: Django passes each submitted value into an ``IN`` list, where "99…9" is an
    overflow on SQLite and PostgreSQL alike (a 500) rather than a missing row."""

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
    """Every message of an invalid form in one line, for a card or a flash message."""
    return "；".join(e for errors in form.errors.values() for e in errors)
