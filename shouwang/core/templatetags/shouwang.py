from django import template

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """``{% if user|can:"areas.manage" %}``"""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))
