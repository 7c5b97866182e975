"""The JSON API (Django Ninja) at /api/v1/, OpenAPI at /api/v1/openapi.json.

Each app with an ``api.py`` exposing ``router`` is mounted at ``/api/v1/<app label>/``.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import SessionAuth, django_auth

from shouwang.core.api_errors import field_message
from shouwang.core.api_reads import read
from shouwang.core.modules import app_modules

# An account bound to no area (see ``core.responses.no_area``): the pages' message.
NO_AREA = "账号尚未绑定辖区：请指挥部管理员在“账号管理”中为您的账号设置所属辖区"


class AreaSessionAuth(SessionAuth):
    """Django's session, and an area: an account bound to none sees nothing in the API
    either, whatever its role — 403 with the pages' message, before the endpoint looks
    anything up or reads the body (``/me`` alone uses the plain session)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> object | None:
        user = super().authenticate(request, key)
        if user is not None and user.area_id is None:
            raise HttpError(403, NO_AREA)
        return user


api = NinjaAPI(
    title="守望 API",
    version="1",
    urls_namespace="api",
    auth=AreaSessionAuth(),
    docs_url=None,
    # The OpenAPI document is read like the API's reads: GET or HEAD, any other method
    # 405 (in Chinese, by ApiMethodNotAllowedMiddleware).
    docs_decorator=require_safe,
)

# Ninja's own messages (authentication, CSRF, throttling), in Chinese.
HTTP_MESSAGES = {
    "Unauthorized": "请先登录",
    "CSRF check Failed": "CSRF 校验失败，请刷新页面后重试",
    "Forbidden": "没有权限",
    "Too many requests.": "请求过于频繁，请稍后再试",
    "Cannot parse request body": "请求内容不是有效的 JSON",
}


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {"type": e.get("type", ""), "loc": list(e.get("loc", ())), "msg": field_message(e, skip=1)}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = HTTP_MESSAGES.get(exc.message, exc.message)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "没有找到该记录"}, status=404)


@read(api, "/me", tags=["accounts"], auth=django_auth)
def me(request) -> dict:
    """The signed-in user, their role and area (``null`` for an account bound to no area,
    which this alone answers: it says why every other endpoint is refused)."""
    user = request.user
    return {
        "username": user.username,
        "name": user.full_name,
        "role": user.role,
        "area": user.area.name if user.area else None,
    }


for _config, _module in app_modules("api"):
    api.add_router(f"/{_config.label}/", _module.router)
