"""Item analysis over finished attempts (run by a Celery task, refreshed periodically)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F

from quizzes import analytics
from quizzes.models import Attempt, AttemptItem, Choice, QuestionStats


def item_stats_refresh(*, now: datetime) -> int:
    """Recompute every question's statistics; returns how many questions have data."""
    rows = AttemptItem.objects.filter(attempt__status=Attempt.Status.FINISHED).values_list(
        "question_id", "is_correct", "selected", "seconds_spent", "attempt__correct_count"
    )
    position = dict(Choice.objects.values_list("id", "position"))
    correct_positions: dict[int, set[int]] = defaultdict(set)
    option_slots: dict[int, set[int]] = defaultdict(set)
    for qid, pos, ok in Choice.objects.filter(
        version__question__current_version=F("version")
    ).values_list("version__question_id", "position", "is_correct"):
        option_slots[qid].add(pos)
        if ok:
            correct_positions[qid].add(pos)

    per_q: dict[int, dict] = defaultdict(
        lambda: {"ok": [], "rest": [], "seconds": [], "options": defaultdict(int)}
    )
    for qid, ok, selected, seconds, total in rows:
        d = per_q[qid]
        d["ok"].append(bool(ok))
        d["rest"].append((total or 0) - (1 if ok else 0))
        d["seconds"].append(seconds)
        for cid in selected:
            if cid in position:
                d["options"][position[cid]] += 1

    stats = []
    for qid, d in per_q.items():
        n = len(d["ok"])
        counts = {p: d["options"].get(p, 0) for p in sorted(option_slots[qid])}
        facility = sum(d["ok"]) / n if n else None
        disc = analytics.discrimination(d["ok"], d["rest"])
        stats.append(
            QuestionStats(
                question_id=qid,
                answered=n,
                facility=facility,
                discrimination=disc,
                option_counts={str(p): c for p, c in counts.items()},
                median_seconds=analytics.median([float(s) for s in d["seconds"] if s]),
                flags=analytics.item_flags(n, facility, disc, counts, correct_positions[qid]),
                computed_at=now,
            )
        )
    with transaction.atomic():
        QuestionStats.objects.all().delete()
        QuestionStats.objects.bulk_create(stats)
    return len(stats)
