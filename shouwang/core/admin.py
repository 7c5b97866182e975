"""The Django admin as a back office for HQ admins, scoped like everything else."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from shouwang.core.forms import RowsChoiceField


class ScopedAdminForm(forms.ModelForm):
    """Checks the model's constraints over read-only fields too (a node's parent, a
    grid's community): a ModelForm leaves out the fields it does not edit, and a clash
    would end in an IntegrityError instead of a message on the form."""

    def validate_unique(self) -> None:
        super().validate_unique()
        if self._errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as exc:
            self._update_errors(exc)


class ScopedAdmin(admin.ModelAdmin):
    """HQ admins (``accounts.manage``) see and change rows within their subtree only."""

    capability = "accounts.manage"
    form = ScopedAdminForm

    def _allowed(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.can(self.capability)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._allowed(request)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        """Scoped choices, refusing an id no database integer holds (``RowsChoiceField``)."""
        self._scope_choices(db_field, request, kwargs)
        kwargs.setdefault("form_class", RowsChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _scope_choices(db_field, request: HttpRequest, kwargs: dict) -> None:
        """Rows to choose from (a grid's compounds and staff) within the subtree too."""
        related = db_field.related_model._default_manager.all()
        if "queryset" not in kwargs and hasattr(related, "visible_to"):
            kwargs["queryset"] = related.visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        """Changes made in the back office are audited like any other."""
        from shouwang.accounts import audit
        from shouwang.accounts.models import AuditEvent

        super().save_model(request, obj, form, change)
        audit.record(
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            request=request,
            obj=obj,
            detail="后台修改：" + "、".join(form.changed_data),
        )
