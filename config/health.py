"""Health endpoints for load balancers and docker-compose.

``/healthz``: the process is up (no database touched). ``/readyz``: the database
and, when one is configured, the Celery broker answer, and production static files
were collected; otherwise 503 naming the failing part. Both are answered before host
validation and the HTTPS redirect, so a container's own check on 127.0.0.1 works.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the message says which
        return f"database: {exc.__class__.__name__}"
    return ""


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return ""
    from config.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"broker: {exc.__class__.__name__}"
    return ""


def _static() -> str:
    if "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]:
        return ""
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return "static files: run 'python manage.py collectstatic'"
    return ""


def _json(status: int, body: dict) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return _json(200, {"status": "ok"})
        if request.path == "/readyz":
            failing = [p for p in (_database(), _broker(), _static()) if p]
            if failing:
                return _json(503, {"status": "unavailable", "failing": failing})
            return _json(200, {"status": "ok"})
        return self.get_response(request)
