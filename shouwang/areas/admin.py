from django import forms
from django.contrib import admin

from shouwang.core.admin import ScopedAdmin

from .models import Area, Grid


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["name", "kind", "parent", "code", "expected_households"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    fields = ["name", "kind", "parent", "code", "expected_households", "notes"]
    readonly_fields = ["kind", "parent"]


class GridAdminForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["name", "compounds", "staff", "notes"]

    def clean(self) -> dict:
        data = super().clean()
        self.instance.check_members(
            compounds=data.get("compounds", []), staff=data.get("staff", [])
        )
        return data


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    form = GridAdminForm
    list_display = ["name", "community"]
    search_fields = ["name"]
    readonly_fields = ["community"]
    filter_horizontal = ["compounds", "staff"]
