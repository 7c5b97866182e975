from shouwang.core.tests.matrix import Route

ROUTES = {
    "accounts:login": Route(public=True),
    "accounts:logout": Route(public=True),
    "accounts:password_change": Route(),
    "accounts:me": Route(read_only=True),
    "accounts:users": Route(read_only=True),
    "accounts:user_create": Route(),
    "accounts:user_edit": Route(kwargs=lambda w: {"pk": w.staff_b.pk}, in_b=True),
    "accounts:user_toggle_active": Route(kwargs=lambda w: {"pk": w.staff_b.pk}, in_b=True),
    "accounts:user_reset_password": Route(kwargs=lambda w: {"pk": w.staff_b.pk}, in_b=True),
    "accounts:audit": Route(read_only=True, reader="auditor"),
    "accounts:audit_export": Route(read_only=True, reader="auditor"),
}
