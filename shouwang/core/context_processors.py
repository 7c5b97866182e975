from django.conf import settings
from django.http import HttpRequest

from .nav import nav_for


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME, "nav_items": nav_for(getattr(request, "user", None))}
