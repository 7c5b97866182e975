"""Pydantic's validation errors in Chinese, for the JSON API's answers."""

from collections.abc import Mapping
from typing import Any

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


def field_message(error: Mapping[str, Any], *, skip: int = 0) -> str:
    """One pydantic error in Chinese, after the field it is about (its ``loc`` less the
    first ``skip`` parts: ``body`` for a request's body)."""
    template = FIELD_MESSAGES.get(error.get("type", ""), "格式不正确")
    try:
        text = template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        text = template
    field = ".".join(str(part) for part in error.get("loc", ())[skip:])
    return f"{field}：{text}" if field else text
