"""The JSON API (Django Ninja) at /api/v1/, OpenAPI at /api/v1/openapi.json.

Each app with an ``api.py`` exposing ``router`` is mounted at ``/api/v1/<app label>/``.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import django_auth

from shouwang.core.modules import app_modules

api = NinjaAPI(
    title="守望 API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
)

# Ninja's own messages (authentication, CSRF, throttling), in Chinese.
HTTP_MESSAGES = {
    "Unauthorized": "请先登录",
    "CSRF check Failed": "CSRF 校验失败，请刷新页面后重试",
    "Forbidden": "没有权限",
    "Too many requests.": "请求过于频繁，请稍后再试",
    "Cannot parse request body": "请求内容不是有效的 JSON",
}

# Pydantic's error types, in Chinese; {…} are filled from the error's context.
FIELD_MESSAGES = {
    "missing": "缺少此项",
    "json_invalid": "请求内容不是有效的 JSON",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_short": "过短（至少 {min_length} 个字符）",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "uuid_parsing": "应为 UUID 格式的编号",
    "uuid_type": "应为 UUID 格式的编号",
    "datetime_parsing": "应为带时区的日期时间，如 2020-02-01T08:30:00+08:00",
    "datetime_from_date_parsing": "应为带时区的日期时间，如 2020-02-01T08:30:00+08:00",
    "datetime_type": "应为带时区的日期时间，如 2020-02-01T08:30:00+08:00",
    "date_parsing": "应为日期，如 2020-02-01",
    "date_from_datetime_parsing": "应为日期，如 2020-02-01",
    "date_type": "应为日期，如 2020-02-01",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "list_type": "应为列表",
    "too_long": "最多 {max_length} 项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
}


def _field_message(error: dict[str, Any]) -> str:
    template = FIELD_MESSAGES.get(error.get("type", ""), "格式不正确")
    try:
        text = template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        text = template
    field = ".".join(str(part) for part in error.get("loc", ())[1:])
    return f"{field}：{text}" if field else text


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {"type": e.get("type", ""), "loc": list(e.get("loc", ())), "msg": _field_message(e)}
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


for _config, _module in app_modules("api"):
    api.add_router(f"/{_config.label}/", _module.router)
