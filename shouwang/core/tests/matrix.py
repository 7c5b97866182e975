"""Route classification for the route × role matrix test.

Every app lists each of its URL names in ``<app>/tests/routes.py`` as ``ROUTES``:

    ROUTES = {
        "areas:node": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True),
        "core:healthz": Route(public=True),
    }

``kwargs`` builds the URL's arguments from the personas' world. ``in_b=True`` means the
arguments name a row of community B: personas of community A must get 404 (or 403)
for GET and POST. ``public=True`` routes are open to anonymous users; every other
route sends them to the login page (401 for the API).

``read_only=True`` marks a view that only reads (a list, a detail page, a PDF, a QR
image, an export, an htmx partial): it answers GET and HEAD only, any other method 405
(``require_safe``). ``reader`` names a persona who may read it (anonymous on public
routes); a view that shows a form on GET and handles it on POST is not read-only, nor is
one that takes its search by POST.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Route:
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    in_b: bool = False
    public: bool = False
    read_only: bool = False
    reader: str = "hq"
