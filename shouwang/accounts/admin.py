from django.contrib import admin

from shouwang.core.admin import ScopedAdmin, ScopedAdminForm

from . import actions
from .models import AuditEvent, User


class UserAdminForm(ScopedAdminForm):
    def clean_full_name(self) -> str:
        return actions.clean_full_name(self.cleaned_data["full_name"])


@admin.register(User)
class UserAdmin(ScopedAdmin):
    form = UserAdminForm
    list_display = ["username", "full_name", "role", "area", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    fields = ["username", "full_name", "role", "area", "is_active", "last_login", "date_joined"]
    # Role, area and status change through the accounts pages (checks and audit there).
    readonly_fields = ["username", "role", "area", "is_active", "last_login", "date_joined"]


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    capability = "audit.view"
    list_display = ["at", "username", "role", "action", "object_repr", "result", "ip"]
    list_filter = ["action", "result"]
    search_fields = ["username", "object_repr", "detail"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
