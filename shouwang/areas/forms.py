from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from shouwang.accounts.forms import AreaChoiceField
from shouwang.core.forms import RowsChoiceField, integer_column

from .models import MAX_HOUSEHOLDS, Area, Grid


class AreaForm(forms.ModelForm):
    expected_households = integer_column(Area, "expected_households", max_value=MAX_HOUSEHOLDS)

    class Meta:
        model = Area
        fields = ["name", "code", "expected_households", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class MoveTargetField(AreaChoiceField):
    """The nodes ``queryset`` offers to choose from, any node of ``accepted`` taken: a
    node offered to no one (the node itself, one below it, its present parent) reaches
    ``move_area``, which says why it is refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accepted = Area.objects.none()

    def to_python(self, value: Any) -> Area | None:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        try:
            return self.accepted.get(pk=value)
        except (ValueError, TypeError, Area.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class UnfilledHiddenInput(forms.HiddenInput):
    """A hidden input rendered empty: a value refused is not sent again."""

    def format_value(self, value: Any) -> None:
        return None


class MoveForm(forms.Form):
    new_parent = MoveTargetField(label="移动到", queryset=Area.objects.none())
    # Set by the confirmation step, once the page has listed what the move hands over:
    # the one value it sends, or nothing (not yet confirmed).
    confirmed = forms.TypedChoiceField(
        choices=[("True", "确认")],
        coerce=lambda value: value == "True",
        empty_value=False,
        required=False,
        widget=UnfilledHiddenInput,
        error_messages={"invalid_choice": "确认无效，请重新选择并确认移动"},
    )

    def __init__(self, *args, choices=None, accepted=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = choices
        self.fields["new_parent"].accepted = accepted

    def clean(self) -> dict[str, Any]:
        # The hidden field's error shown above the form, where the page shows errors.
        for message in self.errors.pop("confirmed", []):
            self.add_error(None, message)
        return super().clean()


def _not_offered(message: str) -> dict[str, str]:
    """A row id the form did not offer (another community's, a deleted one, typed into
    the page): the message says what to do, never which id (Django's repeats it)."""
    return {"invalid_choice": message, "invalid_pk_value": message}


class GridForm(forms.ModelForm):
    compounds = RowsChoiceField(
        label="包含小区",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_not_offered("所选小区不在您的辖区内或已不存在，请刷新页面后重新选择"),
    )
    staff = RowsChoiceField(
        label="责任人",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_not_offered("所选责任人不在您的辖区内或已停用，请刷新页面后重新选择"),
    )
    community = AreaChoiceField(label="所属社区", queryset=Area.objects.none())

    class Meta:
        model = Grid
        fields = ["name", "community", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, communities=None, compounds=None, staff=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["compounds"].queryset = compounds
        self.fields["staff"].queryset = staff
        # Named with their community (a person: their area): an HQ admin chooses among
        # every community's, where two may bear the same name.
        self.fields["compounds"].label_from_instance = lambda a: f"{a.name}（{a.parent.name}）"
        self.fields["staff"].label_from_instance = lambda u: f"{u}（{u.area.name}）"
        if self.instance.pk:
            self.fields["compounds"].initial = list(self.instance.compounds.all())
            self.fields["staff"].initial = list(self.instance.staff.all())


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
