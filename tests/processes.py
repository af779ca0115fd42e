"""What the tests that start real processes share: the commands and the database they use."""

import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

CELERY_WORKER = [
    sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
]  # fmt: skip


def child_database_url() -> str:
    """The URL of the test database, for a process started by a test."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
