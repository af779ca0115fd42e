"""Reads shared by the views: each one a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404

from quizzes.models import Attempt, AttemptItem, Choice, Domain, Exam, Question, QuestionVersion


def attempt_for_user(*, user, pk: int) -> Attempt:
    """The user's own attempt, or 404 (another user's attempt does not exist for them)."""
    return get_object_or_404(Attempt.objects.select_related("exam"), pk=pk, user=user)


def item_for_page(*, attempt: Attempt, position: int) -> AttemptItem:
    """One item with only what may be shown during an attempt (no key, no explanations)."""
    return get_object_or_404(
        AttemptItem.objects.select_related("version").only(
            "id",
            "attempt_id",
            "position",
            "choice_order",
            "selected",
            "flagged",
            "answer_seq",
            "answered_at",
            "version__id",
            "version__kind",
            "version__choose",
            "version__stem_ja",
            "version__stem_en",
        ),
        attempt=attempt,
        position=position,
    )


def item_choices(item: AttemptItem) -> list[Choice]:
    """The item's options in this attempt's order, without correctness or explanations."""
    by_id = {
        c.id: c
        for c in Choice.objects.filter(version_id=item.version_id).only("id", "text_ja", "text_en")
    }
    return [by_id[cid] for cid in item.choice_order if cid in by_id]


@dataclass(frozen=True)
class PaletteCell:
    position: int
    answered: bool
    flagged: bool


def palette(attempt: Attempt) -> list[PaletteCell]:
    return [
        PaletteCell(position, bool(selected), flagged)
        for position, selected, flagged in AttemptItem.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("position", "selected", "flagged")
    ]


def results_items(*, attempt: Attempt) -> list[AttemptItem]:
    """Every item with its version, choices (in the order shown) and topics."""
    items = list(
        AttemptItem.objects.filter(attempt=attempt)
        .select_related("version__domain", "version__task", "question")
        .prefetch_related(
            Prefetch("version__choices", queryset=Choice.objects.order_by("position")),
            "version__topics",
        )
        .order_by("position")
    )
    for item in items:
        by_id = {c.id: c for c in item.version.choices.all()}
        item.shown_choices = [by_id[cid] for cid in item.choice_order if cid in by_id]
        chosen = set(item.selected)
        for c in item.shown_choices:
            c.was_selected = c.id in chosen
    return items


def domain_names(exam: Exam) -> dict[str, str]:
    return {d.code: d.name for d in Domain.objects.filter(exam=exam)}


def exams_for_home(*, user) -> list[Exam]:
    exams = list(Exam.objects.filter(is_active=True))
    if user.is_authenticated:
        running = {
            a.exam_id: a
            for a in Attempt.objects.filter(user=user, status=Attempt.Status.IN_PROGRESS)
        }
        for exam in exams:
            exam.running_attempt = running.get(exam.pk)
    return exams


def bank_stats() -> list[dict]:
    """Counts over each exam's active questions (their current versions)."""
    out = []
    for exam in Exam.objects.all():
        current = QuestionVersion.objects.filter(
            question__exam=exam,
            question__status=Question.Status.ACTIVE,
            question__current_version=F("pk"),
        )
        blank_ja = Q(stem_ja="") | Q(explanation_ja="") | Q(choices__text_ja="")
        blank_en = Q(stem_en="") | Q(explanation_en="") | Q(choices__text_en="")
        no_why = Q(choices__explanation_ja="") | Q(choices__explanation_en="")
        by_domain = dict(
            current.values("domain__code").annotate(n=Count("id")).values_list("domain__code", "n")
        )
        by_kind = dict(current.values("kind").annotate(n=Count("id")).values_list("kind", "n"))
        out.append(
            {
                "code": exam.code,
                "active": current.count(),
                "by_domain": {d.code: by_domain.get(d.code, 0) for d in exam.domains.all()},
                "by_kind": {"single": by_kind.get("single", 0), "multi": by_kind.get("multi", 0)},
                "missing_ja": current.filter(blank_ja).distinct().count(),
                "missing_en": current.filter(blank_en).distinct().count(),
                "missing_choice_explanations": current.filter(no_why).distinct().count(),
                "topics": current.values("topics").exclude(topics=None).distinct().count(),
            }
        )
    return out


def learners_overview(limit: int = 200) -> list:
    """Learners with finished attempts: count, last score and report readiness."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    users = (
        get_user_model()
        .objects.annotate(
            finished=Count("attempts", filter=Q(attempts__status=Attempt.Status.FINISHED)),
            last_finished=Max("attempts__finished_at"),
        )
        .filter(finished__gt=0)
        .select_related("report")
        .order_by("-last_finished")[:limit]
    )
    out = []
    for u in users:
        report = getattr(u, "report", None)
        exams = (report.data or {}).get("exams", []) if report else []
        u.readiness = round(100 * exams[0]["readiness"]["probability"]) if exams else None
        out.append(u)
    return out
