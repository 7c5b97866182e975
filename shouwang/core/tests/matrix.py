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
