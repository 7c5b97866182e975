"""The JSON API (Django Ninja) at /api/v1/, OpenAPI at /api/v1/openapi.json.

Each app with an ``api.py`` exposing ``router`` is mounted at ``/api/v1/<app label>/``.
"""

import importlib

from django.apps import apps
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="守望 API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
)


@api.get("/me", tags=["accounts"])
def me(request) -> dict:
    """The signed-in user, their role and area."""
    user = request.user
    return {
        "username": user.username,
        "name": user.full_name,
        "role": user.role,
        "area": user.area.name if user.area else None,
    }


for _config in apps.get_app_configs():
    if not _config.name.startswith("shouwang."):
        continue
    try:
        _module = importlib.import_module(f"{_config.name}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_config.name}.api":
            raise
        continue
    api.add_router(f"/{_config.label}/", _module.router)
