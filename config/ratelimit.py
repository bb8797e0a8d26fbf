"""Rate limits counted in Django's cache: fixed windows of the clock, one counter per window.

With Redis as the cache (`CACHE_URL`) every app server counts in the same place; with the
local-memory cache each process counts for itself (development, tests). A window is a slice of
the clock (a 15-minute rate counts from :00, :15, …), so `Retry-After` is exactly the time to
the next slice and a counter needs no more than one atomic `incr`. Across a window's edge a
client can make up to twice the limit in a row; that still turns password guessing and floods
into a trickle.

The rates are `settings.RATE_LIMITS` (scope → limit per period); `RATE_LIMITS_ENABLED=0` turns
them all off (a benchmark that writes as one user at full speed).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def rate(scope: str) -> Rate | None:
    """The configured rate of a scope; None when rate limits are off."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    limit, period = settings.RATE_LIMITS[scope]
    return Rate(limit, period)


def client_ip(request: HttpRequest) -> str:
    """The client's address: `REMOTE_ADDR`, or the header a trusted proxy sets
    (`settings.CLIENT_IP_HEADER`, e.g. HTTP_X_REAL_IP) when one is configured."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _now() -> float:
    return time.time()


def _window(rate: Rate) -> tuple[int, int]:
    """The current window's number and the whole seconds until the next one."""
    now = _now()
    window = int(now // rate.period)
    return window, max(1, math.ceil((window + 1) * rate.period - now))


def _key(scope: str, identity: str, window: int) -> str:
    # Hashed: identities hold usernames and addresses, which need not be readable in the cache.
    digest = hashlib.sha256(f"{scope}\0{identity}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{window}"


def retry_after(scope: str, identity: str) -> int | None:
    """Seconds until `identity` may act again if it has used up the scope's limit, else None.
    Counts nothing."""
    limit = rate(scope)
    if limit is None:
        return None
    window, wait = _window(limit)
    return wait if cache.get(_key(scope, identity, window), 0) >= limit.limit else None


def hit(scope: str, identity: str) -> int | None:
    """Count one event; the seconds to wait if it went over the limit, else None."""
    limit = rate(scope)
    if limit is None:
        return None
    window, wait = _window(limit)
    key = _key(scope, identity, window)
    cache.add(key, 0, timeout=limit.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.period + 1)
        count = 1
    return wait if count > limit.limit else None


def reset(scope: str, identity: str) -> None:
    """Forget the current window's count (a successful login clears its failures)."""
    limit = rate(scope)
    if limit is not None:
        cache.delete(_key(scope, identity, _window(limit)[0]))


def minutes(seconds: int) -> int:
    """Whole minutes to tell a person, never 0."""
    return max(1, math.ceil(seconds / 60))


def too_many_requests_json(field: str, message: str, wait: int) -> JsonResponse:
    """429 in the JSON API's error shape, with Retry-After."""
    response = JsonResponse({"error": {"field": field, "message": message}}, status=429)
    response["Retry-After"] = str(wait)
    return response
