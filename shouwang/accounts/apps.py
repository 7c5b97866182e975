from django.apps import AppConfig

from shouwang.core.nav import NavItem

from .roles import Role


class AccountsConfig(AppConfig):
    name = "shouwang.accounts"
    label = "accounts"
    verbose_name = "账号与审计"
    nav = [
        NavItem("账号", "accounts:users", "accounts.manage"),
        NavItem("审计日志", "accounts:audit", "audit.view"),
    ]
    # Separation of duties: the administrator manages accounts, only the auditor reads
    # the audit log (and the administrator cannot erase it: it is append-only).
    capabilities = {
        Role.HQ_ADMIN: {"accounts.manage"},
        Role.AUDITOR: {"audit.view"},
    }
