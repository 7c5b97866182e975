"""The JSON API's reads answer HEAD as they answer GET, as the pages marked
``require_safe`` do: a client or a monitor may check an endpoint without its body."""

from collections.abc import Callable
from typing import Any

from ninja import NinjaAPI, Router


def read(router: NinjaAPI | Router, path: str, **options: Any) -> Callable:
    """``router.get(path, **options)`` that also answers HEAD. The HEAD operation is
    left out of the OpenAPI document, which would otherwise list the read twice under
    one operation id."""

    def register(view: Callable) -> Callable:
        head = {
            k: v for k, v in options.items() if k in ("auth", "response", "throttle", "url_name")
        }
        router.api_operation(["HEAD"], path, include_in_schema=False, **head)(view)
        return router.get(path, **options)(view)

    return register
