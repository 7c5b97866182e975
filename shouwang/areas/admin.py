import copy

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

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
        if Area(pk=self.instance.pk, name=name).name_taken(self.instance.parent):
            raise ValidationError("同一上级下已有同名节点")
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

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The compounds through ``Grid.hold_compounds``, as the grid pages save them
        (``save_grid``): ``compounds.set`` would skip without a word a compound another
        grid took since the form's check, and save the rest. Such a refusal raises the
        ValidationError ``Grid.check_members`` gives (``changeform_view`` shows it)."""
        compounds = list(form.cleaned_data.pop("compounds", []))
        super().save_related(request, form, formsets, change)
        grid = form.instance

        def check_members() -> None:
            grid.check_members(compounds=compounds, staff=[])

        with unique_write(check_members):
            grid.hold_compounds(compounds)

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ) -> HttpResponse:
        """A save the database refused after the form's check (a rival grid took the
        compound meanwhile; the view's transaction is rolled back) is the form again,
        as submitted, with the refusal (naming the compound and the grid holding it)
        as its error. Nothing is tried a second time."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            return self._refused(request, object_id, form_url, refusal)

    def _refused(
        self, request: HttpRequest, object_id: str, form_url: str, refusal: ValidationError
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("网格不存在")
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(request, obj, change=True, fields=flatten_fieldsets(fieldsets))
        form = form_class(request.POST, request.FILES, instance=obj)
        form.is_valid()  # its own checks, read again now the rival's row is committed
        if not set(refusal.messages) <= set(form.non_field_errors()):
            form.add_error(None, refusal)
        admin_form = helpers.AdminForm(
            form, list(fieldsets), {}, self.get_readonly_fields(request, obj), model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change %s") % self.opts.verbose_name,
            "subtitle": str(obj),
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
        }
        return self.render_change_form(request, context, change=True, obj=obj, form_url=form_url)
