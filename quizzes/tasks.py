"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def build_report(attempt_id: int) -> None:
    from quizzes.services.reports import report_build_for_attempt

    report_build_for_attempt(attempt_id=attempt_id)


@shared_task(acks_late=True)
def sweep() -> None:
    from quizzes.services.attempts import attempts_sweep
    from quizzes.services.reports import reports_requeue_missing

    now = timezone.now()
    attempts_sweep(now=now)
    reports_requeue_missing(now=now)


@shared_task(acks_late=True)
def refresh_item_stats() -> None:
    from quizzes.services.itemstats import item_stats_refresh

    item_stats_refresh(now=timezone.now())
