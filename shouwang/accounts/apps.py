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
    capabilities = {
        Role.HQ_ADMIN: {"accounts.manage", "audit.view"},
        Role.AUDITOR: {"audit.view"},
    }
