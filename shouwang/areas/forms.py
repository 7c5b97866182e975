from django import forms

from shouwang.accounts.forms import AreaChoiceField
from shouwang.core.forms import RowsChoiceField, integer_column

from .models import MAX_HOUSEHOLDS, Area, Grid


class AreaForm(forms.ModelForm):
    expected_households = integer_column(Area, "expected_households", max_value=MAX_HOUSEHOLDS)

    class Meta:
        model = Area
        fields = ["name", "code", "expected_households", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class MoveForm(forms.Form):
    new_parent = AreaChoiceField(label="移动到", queryset=Area.objects.none())
    # Set by the confirmation step, once the page has listed what the move hands over.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = choices


class GridForm(forms.ModelForm):
    compounds = RowsChoiceField(
        label="包含小区",
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    staff = RowsChoiceField(
        label="责任人", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
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
        if self.instance.pk:
            self.fields["compounds"].initial = list(self.instance.compounds.all())
            self.fields["staff"].initial = list(self.instance.staff.all())


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
