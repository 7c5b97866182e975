"""The JSON API (Django Ninja) at /api/v1/, OpenAPI at /api/v1/openapi.json.

Each app with an ``api.py`` exposing ``router`` is mounted at ``/api/v1/<app label>/``.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import django_auth

from shouwang.core.api_auth import NO_AREA, AreaSessionAuth
from shouwang.core.api_errors import field_message
from shouwang.core.api_reads import read
from shouwang.core.modules import app_modules

# How the API authenticates, described once: Ninja would list each auth class as a scheme
# of its own (the plain session of /me beside AreaSessionAuth, the same cookie twice)
# and leave out the CSRF token that every write needs.
SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": settings.SESSION_COOKIE_NAME,
        "description": (
            "Django 会话：先在 /accounts/login/ 登录（用户名或手机号与密码），浏览器随后的请求"
            "带上会话 Cookie。未登录或会话已过期（空闲超时）：401 请先登录。"
            f"账号尚未绑定辖区：除 /api/v1/me 外一律 403（{NO_AREA}）；"
            "角色没有该项权限：403 并说明缺少的权限。"
            "须先修改密码（管理员设置的临时密码，或密码超过有效期）：一律 403，"
            '{"detail": 原因, "code": "password_change_required", '
            '"redirect": 修改密码页的地址（带 next=发出请求的页面）}；'
            "此时不要重试，请用户打开 redirect 修改密码后再提交。"
        ),
    },
    "csrf": {
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
        "description": (
            f"写操作（POST）还须在此请求头带上 CSRF 令牌：Cookie {settings.CSRF_COOKIE_NAME} "
            "的值（登录后会更换）；HTTPS 下 Origin 或 Referer 须为本站。"
            "缺少或不符：403 CSRF 校验失败。"
        ),
    },
}
READ_METHODS = {"get", "head", "options"}


class ShouwangApi(NinjaAPI):
    """Ninja's API whose OpenAPI document names the two schemes above: the session on
    every operation that is not public, and the CSRF token beside it on a write."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if operation.get("security"):
                    needs = (
                        {"session": []} if method in READ_METHODS else {"session": [], "csrf": []}
                    )
                    operation["security"] = [needs]
        schema["components"]["securitySchemes"] = SECURITY_SCHEMES
        return schema


api = ShouwangApi(
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
