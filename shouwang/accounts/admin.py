from django.contrib import admin

from shouwang.core.admin import ScopedAdmin

from .models import AuditEvent, User


@admin.register(User)
class UserAdmin(ScopedAdmin):
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
