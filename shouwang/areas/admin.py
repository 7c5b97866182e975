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


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["name", "community"]
    search_fields = ["name"]
    readonly_fields = ["community"]
    filter_horizontal = ["compounds", "staff"]
