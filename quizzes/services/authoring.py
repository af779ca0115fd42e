"""Authoring: saving edited questions as new versions, retiring, regrading, triage."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction

from quizzes import scoring
from quizzes.bankfile import QuestionSpec
from quizzes.models import (
    Attempt,
    AttemptItem,
    Choice,
    Exam,
    Question,
    QuestionReport,
    Regrade,
    TaskStatement,
    Topic,
)
from quizzes.services.bank import LoadResult, questions_upsert
from quizzes.services.reports import report_request_on_commit


def question_save(*, exam: Exam, spec: QuestionSpec, author) -> tuple[Question, bool]:
    """Create the question or add a version when its content changed.

    Returns the question and whether anything changed. Past attempts keep the
    version they showed.
    """
    tasks = {t.code: t for t in TaskStatement.objects.filter(domain__exam=exam)}
    topics = {t.key: t for t in Topic.objects.filter(key__in=spec.topics)}
    result = LoadResult()
    with transaction.atomic():
        questions_upsert(
            exam=exam, tasks=tasks, topics=topics, specs=[spec], result=result, author=author
        )
    question = Question.objects.select_related("current_version").get(key=spec.key)
    return question, not result.unchanged


def question_set_status(*, question: Question, status: str) -> None:
    """Retire a question (never drawn again, kept for past attempts) or bring it back."""
    Question.objects.filter(pk=question.pk).update(status=status)
    question.status = status


def question_delete(*, question: Question) -> bool:
    """Delete a question only if no attempt ever showed it; otherwise it must be retired."""
    if AttemptItem.objects.filter(question=question).exists():
        return False
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(current_version=None)
        question.versions.all().delete()
        question.delete()
    return True


def question_regrade(*, question: Question, author, now: datetime, note: str = "") -> Regrade:
    """Move finished attempts that showed an older version onto the current one and rescore.

    Options are matched by position, so fixing the key (or wording) of a
    question carries each learner's choice over. Attempt totals, pass/fail and
    the learners' reports are updated; the regrade is recorded.
    """
    current = question.current_version
    new_choices = list(Choice.objects.filter(version=current).order_by("position"))
    by_position = {c.position: c for c in new_choices}
    correct = {c.id for c in new_choices if c.is_correct}
    with transaction.atomic():
        items = list(
            AttemptItem.objects.select_for_update()
            .filter(question=question, attempt__status=Attempt.Status.FINISHED)
            .exclude(version=current)
        )
        old_positions = dict(
            Choice.objects.filter(version_id__in={i.version_id for i in items}).values_list(
                "id", "position"
            )
        )
        changed_attempts: dict[int, int] = defaultdict(int)
        changed = 0
        for item in items:
            order = [
                by_position[old_positions[cid]].id
                for cid in item.choice_order
                if old_positions.get(cid) in by_position
            ]
            order += [c.id for c in new_choices if c.id not in order]
            selected = [
                by_position[old_positions[cid]].id
                for cid in item.selected
                if old_positions.get(cid) in by_position
            ]
            ok = scoring.is_correct(selected, correct)
            if ok != item.is_correct:
                changed += 1
                changed_attempts[item.attempt_id] += 1 if ok else -1
            item.version, item.choice_order, item.selected, item.is_correct = (
                current,
                order,
                selected,
                ok,
            )
        AttemptItem.objects.bulk_update(
            items, ["version", "choice_order", "selected", "is_correct"]
        )
        for attempt in Attempt.objects.filter(pk__in=changed_attempts):
            attempt.correct_count = (attempt.correct_count or 0) + changed_attempts[attempt.pk]
            attempt.passed = scoring.passed(
                attempt.correct_count, attempt.question_count, attempt.pass_ratio
            )
            attempt.save(update_fields=["correct_count", "passed"])
            report_request_on_commit(attempt_id=attempt.pk, user_id=attempt.user_id, now=now)
        return Regrade.objects.create(
            question=question,
            to_version=current,
            by=author,
            items=len(items),
            changed=changed,
            note=note,
        )


def question_report_create(*, item: AttemptItem, user, kind: str, comment: str) -> QuestionReport:
    """A learner reports a problem with the version of a question they were shown."""
    return QuestionReport.objects.create(
        question_id=item.question_id,
        version_id=item.version_id,
        user=user,
        kind=kind,
        comment=comment,
    )


def question_report_resolve(*, report: QuestionReport, by, note: str, now: datetime) -> bool:
    """Close a report with a note (compare-and-set: resolving twice does nothing)."""
    return bool(
        QuestionReport.objects.filter(pk=report.pk, status=QuestionReport.Status.OPEN).update(
            status=QuestionReport.Status.RESOLVED, resolution=note, resolved_by=by, resolved_at=now
        )
    )
