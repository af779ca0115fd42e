"""Weak-area reports: requested when an attempt finishes, built by a Celery worker.

The web request only marks the report pending and queues the task after
commit; if Redis is down the enqueue failure is logged and the sweeper queues
the report again later. Building is idempotent: it recomputes everything from
the finished attempts, so running it twice gives the same report.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from quizzes import analytics, scoring
from quizzes.models import (
    Attempt,
    AttemptItem,
    Domain,
    Question,
    QuestionVersion,
    Report,
    TaskStatement,
    Topic,
)

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=1)
MISSED_PER_TOPIC = 5


def report_request(*, attempt_id: int) -> None:
    """Queue the report build; never raises into the web request."""
    from quizzes.tasks import build_report

    try:
        build_report.delay(attempt_id)
    except Exception:  # broker unreachable: the sweeper queues it again later
        logger.warning("could not queue build_report for attempt %s", attempt_id, exc_info=True)


def report_request_on_commit(*, attempt_id: int, user_id: int, now: datetime) -> None:
    """Mark the user's report pending and queue its build once the transaction commits."""
    Report.objects.update_or_create(
        user_id=user_id, defaults={"status": Report.Status.PENDING, "requested_at": now}
    )
    transaction.on_commit(lambda: report_request(attempt_id=attempt_id))


def report_build_for_attempt(*, attempt_id: int) -> Report | None:
    user_id = Attempt.objects.filter(pk=attempt_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return None
    return report_build(user_id=user_id, now=timezone.now())


def reports_requeue_missing(*, now: datetime) -> int:
    """Queue reports that are missing or older than the user's newest finished attempt."""
    users = (
        get_user_model()
        .objects.annotate(
            latest=Max("attempts__id", filter=Q(attempts__status=Attempt.Status.FINISHED))
        )
        .filter(latest__isnull=False)
        .filter(
            Q(report__isnull=True)
            | Q(report__attempt__isnull=True)
            | Q(report__attempt_id__lt=F("latest"))
        )
        .filter(Q(report__isnull=True) | Q(report__requested_at__lt=now - STALE_AFTER))
        .values_list("id", "latest")
    )
    queued = 0
    for user_id, latest in users:
        Report.objects.update_or_create(
            user_id=user_id, defaults={"status": Report.Status.PENDING, "requested_at": now}
        )
        report_request(attempt_id=latest)
        queued += 1
    return queued


def _names(obj) -> dict[str, str]:
    return {"ja": obj.name_ja, "en": obj.name_en}


def report_build(*, user_id: int, now: datetime) -> Report:
    """Recompute the user's report from every finished mock exam (aggregate queries)."""
    attempts = list(
        Attempt.objects.filter(user_id=user_id, status=Attempt.Status.FINISHED)
        .order_by("finished_at", "id")
        .values(
            "id",
            "exam_id",
            "exam__code",
            "started_at",
            "finished_at",
            "deadline",
            "correct_count",
            "question_count",
            "passed",
            "pass_ratio",
        )
    )
    exams: list[dict] = []
    by_exam: dict[int, list[dict]] = defaultdict(list)
    for a in attempts:
        by_exam[a["exam_id"]].append(a)
    for exam_id, exam_attempts in by_exam.items():
        exams.append(_exam_report(user_id, exam_id, exam_attempts))
    latest = max((a["id"] for a in attempts), default=None)
    report, _ = Report.objects.update_or_create(
        user_id=user_id,
        defaults={
            "status": Report.Status.READY,
            "attempt_id": latest,
            "computed_at": now,
            "data": {"exams": exams},
            "requested_at": now,
        },
    )
    return report


def _exam_report(user_id: int, exam_id: int, attempts: list[dict]) -> dict:
    age = {a["id"]: i for i, a in enumerate(reversed(attempts))}
    finished = AttemptItem.objects.filter(
        attempt__user_id=user_id, attempt__exam_id=exam_id, attempt__status=Attempt.Status.FINISHED
    )
    counts = {"n": Count("id"), "c": Count("id", filter=Q(is_correct=True))}

    by_task: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for row in finished.values("attempt_id", "version__task_id").annotate(**counts):
        by_task[row["version__task_id"]].append((age[row["attempt_id"]], row["n"], row["c"]))
    by_topic: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in finished.values("attempt_id", "version__topics").annotate(**counts):
        if row["version__topics"] is not None:
            by_topic[row["version__topics"]].append((age[row["attempt_id"]], row["n"], row["c"]))
    seconds = {
        row["version__domain_id"]: row
        for row in finished.values("version__domain_id").annotate(
            s=Sum("seconds_spent"), n=Count("id")
        )
    }

    domains = {d.pk: d for d in Domain.objects.filter(exam_id=exam_id)}
    tasks = {t.pk: t for t in TaskStatement.objects.filter(domain__exam_id=exam_id)}
    by_domain: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for task_id, groups in by_task.items():
        by_domain[tasks[task_id].domain_id].extend(groups)

    domain_m = {pk: analytics.mastery(g) for pk, g in by_domain.items()}
    exam_size = attempts[-1]["question_count"] or 65
    seats = scoring.allocate(exam_size, {d.code: d.weight for d in domains.values()})
    topic_share = _topic_share(exam_id, domains)
    topics = {t.pk: t for t in Topic.objects.filter(pk__in=by_topic)}
    topic_m = {pk: analytics.mastery(g) for pk, g in by_topic.items()}
    expected = analytics.expected_questions(
        seats,
        {
            d: {topics[t].key: s for t, s in shares.items() if t in topics}
            for d, shares in topic_share.items()
        },
    )
    ranked = analytics.rank_weak_topics({topics[pk].key: m for pk, m in topic_m.items()}, expected)
    missed = _missed_by_topic(finished, {key for key, _ in ranked})
    pass_count = math.ceil(float(attempts[-1]["pass_ratio"]) * exam_size - 1e-9)
    by_code = {domains[pk].code: m for pk, m in domain_m.items()}
    probability = analytics.readiness(
        by_code, seats, pass_count, seed=user_id * 1_000_003 + attempts[-1]["id"]
    )
    answered = sum(m.answered for m in domain_m.values())

    return {
        "exam": attempts[-1]["exam__code"],
        "attempts": len(attempts),
        "answered": answered,
        "readiness": {
            "probability": round(probability, 3),
            "pass_count": pass_count,
            "pass_ratio": float(attempts[-1]["pass_ratio"]),
            "question_count": exam_size,
            "answers": answered,
            "simulations": 2000,
        },
        "domains": [
            {
                "code": d.code,
                "name": _names(d),
                "weight": d.weight,
                **(domain_m.get(pk) or analytics.mastery([])).as_dict(),
                "avg_seconds": _avg(seconds.get(pk)),
            }
            for pk, d in sorted(domains.items(), key=lambda kv: kv[1].code)
        ],
        "tasks": [
            {"code": t.code, "name": _names(t), **analytics.mastery(by_task[pk]).as_dict()}
            for pk, t in sorted(tasks.items(), key=lambda kv: kv[1].code)
            if pk in by_task
        ],
        "topics": sorted(
            (
                {
                    "key": topics[pk].key,
                    "name": _names(topics[pk]),
                    "expected": round(expected.get(topics[pk].key, 0.0), 3),
                    **m.as_dict(),
                }
                for pk, m in topic_m.items()
            ),
            key=lambda t: (t["mean"], t["key"]),
        ),
        "weakest": [
            {
                "key": key,
                "name": _names(next(t for t in topics.values() if t.key == key)),
                "gain": g,
                "missed": missed.get(key, []),
            }
            for key, g in ranked
        ],
        "trend": [
            {
                "attempt": a["id"],
                "date": a["finished_at"].isoformat(),
                "percent": round(100 * (a["correct_count"] or 0) / (a["question_count"] or 1), 1),
                "passed": bool(a["passed"]),
                "seconds_per_question": _pace(a),
            }
            for a in attempts
        ],
    }


def _avg(row: dict | None) -> float | None:
    if not row or not row["n"]:
        return None
    return round((row["s"] or 0) / row["n"], 1)


def _pace(a: dict) -> float | None:
    end = min(a["finished_at"], a["deadline"]) if a["deadline"] else a["finished_at"]
    if not a["question_count"]:
        return None
    return round(max(0.0, (end - a["started_at"]).total_seconds()) / a["question_count"], 1)


def _topic_share(exam_id: int, domains: dict[int, Domain]) -> dict[str, dict[int, float]]:
    """Share of each domain's active questions that carry each topic."""
    active = QuestionVersion.objects.filter(
        question__exam_id=exam_id,
        question__status=Question.Status.ACTIVE,
        question__current_version=F("pk"),
    )
    sizes = dict(active.values("domain_id").annotate(n=Count("id")).values_list("domain_id", "n"))
    share: dict[str, dict[int, float]] = defaultdict(dict)
    for row in active.values("domain_id", "topics").annotate(n=Count("id")):
        if row["topics"] is not None and sizes.get(row["domain_id"]):
            code = domains[row["domain_id"]].code
            share[code][row["topics"]] = row["n"] / sizes[row["domain_id"]]
    return share


def _missed_by_topic(finished, keys: set[str]) -> dict[str, list[dict]]:
    """The most recent missed questions on each weak topic, as links into results."""
    out: dict[str, list[dict]] = defaultdict(list)
    if not keys:
        return out
    rows = (
        finished.filter(is_correct=False, version__topics__key__in=keys)
        .order_by("-attempt__finished_at", "position")
        .values_list("version__topics__key", "attempt_id", "position", "question__key")
    )
    for key, attempt_id, position, qkey in rows[: len(keys) * 50]:
        if len(out[key]) < MISSED_PER_TOPIC:
            out[key].append({"attempt": attempt_id, "position": position, "question": qkey})
    return out


def cohort_build(*, exam) -> dict:
    """Weak areas over every learner's finished attempts of the exam (aggregate queries)."""
    finished = AttemptItem.objects.filter(
        attempt__exam=exam, attempt__status=Attempt.Status.FINISHED
    )
    counts = {"n": Count("id"), "c": Count("id", filter=Q(is_correct=True))}

    def rows(field: str, model, key: str = "pk"):
        found = {r[field]: r for r in finished.values(field).annotate(**counts) if r[field]}
        objects = model.objects.in_bulk(list(found))
        out = []
        for pk, r in found.items():
            m = analytics.mastery([(0, r["n"], r["c"])])
            obj = objects[pk]
            out.append({"code": getattr(obj, "code", ""), "label": obj.name, **m.as_dict()})
        return out

    attempts = Attempt.objects.filter(exam=exam, status=Attempt.Status.FINISHED)
    summary = attempts.aggregate(
        n=Count("id"),
        learners=Count("user", distinct=True),
        passed=Count("id", filter=Q(passed=True)),
    )
    return {
        "exam": exam,
        "attempts": summary["n"],
        "learners": summary["learners"],
        "pass_rate": round(100 * summary["passed"] / summary["n"]) if summary["n"] else None,
        "pass_percent": round(100 * float(exam.pass_ratio)),
        "domains": sorted(rows("version__domain", Domain), key=lambda r: r["code"]),
        "tasks": sorted(rows("version__task", TaskStatement), key=lambda r: r["code"]),
        "topics": sorted(rows("version__topics", Topic), key=lambda r: r["mean"])[:15],
    }
