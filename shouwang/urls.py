"""URLs. Each app with a ``urls.py`` is mounted at ``/<app label>/``; an app's
``root_urls.py`` (short resident-facing links such as QR codes) is mounted at ``/``."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from shouwang.accounts.views import backoffice_login, backoffice_password_change
from shouwang.api import api
from shouwang.core.modules import optional_module

admin.site.site_header = "守望 · 后台管理"
admin.site.site_title = "守望后台"
# Signing in and changing a password go through the accounts pages (lockout, audit).
admin.site.login = backoffice_login
admin.site.password_change = backoffice_password_change

urlpatterns = [
    path("", include("shouwang.core.urls")),
    path("api/v1/", api.urls),
    path("backoffice/", admin.site.urls),
]

for _config in apps.get_app_configs():
    if not _config.name.startswith("shouwang.") or _config.label == "core":
        continue
    if optional_module(f"{_config.name}.urls") is not None:
        urlpatterns.append(path(f"{_config.label}/", include(f"{_config.name}.urls")))
    if optional_module(f"{_config.name}.root_urls") is not None:
        urlpatterns.append(path("", include(f"{_config.name}.root_urls")))
