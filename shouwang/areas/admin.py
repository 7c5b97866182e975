import copy

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from shouwang.core.admin import ScopedAdmin, ScopedAdminForm
from shouwang.core.forms import integer_column
from shouwang.core.unique import unique_write

from .models import MAX_HOUSEHOLDS, Area, Grid, typed_place_name


class AreaAdminForm(ScopedAdminForm):
    """A name in the import's one spelling, and none a sibling bears (as ``update_area``);
    应有户数 within the node form's maximum."""

    expected_households = integer_column(Area, "expected_households", max_value=MAX_HOUSEHOLDS)

    def clean_name(self) -> str:
        name = typed_place_name(self.cleaned_data["name"])
        Area(pk=self.instance.pk, name=name).check_name_free(self.instance.parent)
        return name

    def clean(self) -> dict:
        """应有户数 where coverage counts it, as on the node's page (``update_area``):
        checked when it changes."""
        data = super().clean()
        if "expected_households" in self.changed_data and "expected_households" in data:
            area = copy.copy(self.instance)
            area.expected_households = data["expected_households"]
            area.check_expected_households()
        return data


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    form = AreaAdminForm
    list_display = ["name", "kind", "parent", "code", "expected_households"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    fields = ["name", "kind", "parent", "code", "expected_households", "notes"]
    readonly_fields = ["kind", "parent"]


# The request attribute carrying a refused grid save to its form (``GridAdmin``).
REFUSAL = "grid_admin_refusal"


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

    # The database's refusal of the last try of this save (``GridAdmin.changeform_view``).
    refusal: ValidationError | None = None

    def clean(self) -> dict:
        data = super().clean()
        if self.refusal is not None:
            raise self.refusal
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

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The compounds through ``Grid.hold_compounds``, as the grid pages save them
        (``save_grid``): ``compounds.set`` would skip without a word a compound another
        grid took since the form's check, and save the rest."""
        compounds = list(form.cleaned_data.pop("compounds", []))
        super().save_related(request, form, formsets, change)
        grid = form.instance

        def check_members() -> None:
            grid.check_members(compounds=compounds, staff=[])

        with unique_write(check_members):
            grid.hold_compounds(compounds)

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, REFUSAL, None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"refusal": refusal})

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        """A save refused by the database (rolled back with the view's transaction) is
        the form again, with the refusal (naming the compound and the grid holding it)
        as its error: run once more, the form refuses before anything is written, so a
        rival taking the compound again cannot refuse it a second time."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            setattr(request, REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)
