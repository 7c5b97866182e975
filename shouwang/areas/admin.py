from django.contrib import admin
from django.core.exceptions import ValidationError

from shouwang.core.admin import ScopedAdmin, ScopedAdminForm

from .models import Area, Grid, typed_place_name


class AreaAdminForm(ScopedAdminForm):
    """A name in the import's one spelling, and none a sibling bears (as ``update_area``)."""

    def clean_name(self) -> str:
        name = typed_place_name(self.cleaned_data["name"])
        if Area(pk=self.instance.pk, name=name).name_taken(self.instance.parent):
            raise ValidationError("同一上级下已有同名节点")
        return name


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    form = AreaAdminForm
    list_display = ["name", "kind", "parent", "code", "expected_households"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    fields = ["name", "kind", "parent", "code", "expected_households", "notes"]
    readonly_fields = ["kind", "parent"]


class GridAdminForm(ScopedAdminForm):
    class Meta:
        model = Grid
        fields = ["name", "compounds", "staff", "notes"]

    def clean_name(self) -> str:
        """The name in the one spelling (as ``save_grid``), none another grid bears."""
        name = typed_place_name(self.cleaned_data["name"])
        if Grid(
            pk=self.instance.pk, community_id=self.instance.community_id, name=name
        ).name_taken():
            raise ValidationError(f"本社区已有名为“{name}”的网格")
        return name

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
