"""Log-in throttling per username and per IP address.

Failures are counted in the cache with a time-to-live: the lock lifts by
itself after the cool-off, so an attacker cannot lock a learner out for good
by mistyping their username on purpose before an exam.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

IP_FACTOR = 4  # an address may fail for several users (a shared office) before it is held


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"login-fail:user:{username.strip().lower()[:150]}", f"login-fail:ip:{ip}"


def login_locked(*, username: str, ip: str) -> bool:
    user_key, ip_key = _keys(username, ip)
    limit = settings.LOGIN_MAX_FAILURES
    return (cache.get(user_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * IP_FACTOR)


def login_failed(*, username: str, ip: str) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, settings.LOGIN_LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_LOCK_SECONDS)


def login_succeeded(*, username: str, ip: str) -> None:
    cache.delete(_keys(username, ip)[0])


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
