"""A fixed-window rate limit kept in the cache, for public forms that write.

With ``REDIS_URL`` set the count is shared by every server process; on the default
in-memory cache each process counts its own (the demo and tests).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(scope: str, ident: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit of ``ident`` in ``scope``; False once the window holds ``limit``."""
    if limit <= 0:
        return True
    window = int(time.time() // window_seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    # Counted first, created only by the window's first hit: one cache call a hit, not
    # two. The count lives past its window, so a count found cannot expire under it.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first hit, unless another process's came between
        count = 1 if cache.add(key, 1, timeout=window_seconds + 1) else cache.incr(key)
    return count <= limit
