"""The exam engine: every change to an attempt goes through these functions.

The server owns the clock: each write compares the time the request arrived
(``now``) with the attempt's deadline plus the grace period. State changes are
compare-and-set updates, so double clicks, two tabs, the page's auto-submit
and the sweeper can race without harm.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from quizzes import scoring
from quizzes.models import Attempt, AttemptItem, Choice, Domain, Exam, Question
from quizzes.services.reports import report_request_on_commit


class AttemptError(Exception):
    """A request the engine refuses; ``status`` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptClosed(AttemptError):
    status = 409


class BankTooSmall(AttemptError):
    status = 409


def grace() -> timedelta:
    return timedelta(seconds=settings.EXAM_GRACE_SECONDS)


def seconds_left(attempt: Attempt, now: datetime) -> int | None:
    if attempt.deadline is None:
        return None
    if not attempt.is_in_progress:
        return 0
    return max(0, int((attempt.deadline - now).total_seconds()))


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    """Past deadline + grace: nothing more may be saved."""
    return attempt.deadline is not None and now > attempt.deadline + grace()


def attempt_start(*, user, exam: Exam, now: datetime, rng: random.Random | None = None) -> Attempt:
    """Start a timed mock exam, or return the one already in progress for this exam.

    Questions are drawn per domain by blueprint weight (largest remainder),
    preferring the questions this user has seen least; each item keeps its own
    shuffled choice order.
    """
    rng = rng or random.SystemRandom()
    current = (
        Attempt.objects.filter(
            user=user, exam=exam, mode=Attempt.Mode.EXAM, status=Attempt.Status.IN_PROGRESS
        )
        .order_by("-started_at")
        .first()
    )
    if current is not None:
        if not is_overdue(current, now):
            return current
        attempt_finish(attempt=current, now=now, reason=Attempt.FinishReason.TIME_UP)

    weights = dict(Domain.objects.filter(exam=exam).values_list("code", "weight"))
    rows = Question.objects.filter(
        exam=exam, status=Question.Status.ACTIVE, current_version__isnull=False
    ).values_list("id", "current_version_id", "current_version__domain__code")
    seen = dict(
        AttemptItem.objects.filter(attempt__user=user, attempt__exam=exam)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    version_of = {qid: vid for qid, vid, _ in rows}
    if len(version_of) < exam.question_count:
        raise BankTooSmall(
            _("This exam needs %(need)d active questions but the bank has %(have)d.")
            % {"need": exam.question_count, "have": len(version_of)}
        )
    quota = scoring.allocate(exam.question_count, weights)
    picked = scoring.draw(
        [scoring.Candidate(qid, code, seen.get(qid, 0)) for qid, _, code in rows], quota, rng
    )
    rng.shuffle(picked)

    choices: dict[int, list[int]] = defaultdict(list)
    for vid, cid in Choice.objects.filter(
        version_id__in=[version_of[c.question_id] for c in picked]
    ).values_list("version_id", "id"):
        choices[vid].append(cid)

    try:
        return _attempt_create(
            user=user,
            exam=exam,
            now=now,
            rng=rng,
            picked=picked,
            version_of=version_of,
            choices=choices,
        )
    except IntegrityError:
        # Another request started this exam between our check and our insert: the
        # partial unique constraint kept it to one, so the learner gets that one.
        return Attempt.objects.get(
            user=user, exam=exam, mode=Attempt.Mode.EXAM, status=Attempt.Status.IN_PROGRESS
        )


def _attempt_create(
    *,
    user,
    exam: Exam,
    now: datetime,
    rng: random.Random,
    picked: list[scoring.Candidate],
    version_of: dict[int, int],
    choices: dict[int, list[int]],
) -> Attempt:
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user,
            exam=exam,
            mode=Attempt.Mode.EXAM,
            started_at=now,
            position_since=now,
            deadline=now + timedelta(minutes=exam.duration_minutes),
            question_count=len(picked),
            pass_ratio=exam.pass_ratio,
        )
        items = []
        for position, c in enumerate(picked, start=1):
            order = list(choices[version_of[c.question_id]])
            rng.shuffle(order)
            items.append(
                AttemptItem(
                    attempt=attempt,
                    position=position,
                    question_id=c.question_id,
                    version_id=version_of[c.question_id],
                    choice_order=order,
                )
            )
        AttemptItem.objects.bulk_create(items)
    return attempt


def _ensure_open(attempt: Attempt, now: datetime) -> None:
    if not attempt.is_in_progress:
        raise AttemptClosed(_("This exam has already been submitted. Your saved answers are kept."))
    if is_overdue(attempt, now):
        attempt_finish(attempt=attempt, now=now, reason=Attempt.FinishReason.TIME_UP)
        raise AttemptClosed(
            _(
                "Time is up: this answer arrived after the deadline and was not saved. "
                "Every answer saved before the deadline counts."
            )
        )


def _claim(attempt: Attempt, position: int, now: datetime) -> None:
    """Lock the attempt for this write and record where the learner is.

    The UPDATE takes the attempt's row lock, so a concurrent submit waits for
    this save to commit; zero rows means the attempt was closed meanwhile.
    """
    if position != attempt.current_position and _move(attempt, position, now):
        return
    updated = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
        current_position=position
    )
    if not updated:
        raise AttemptClosed(_("This exam has already been submitted. Your saved answers are kept."))
    attempt.current_position = position


def _elapsed(attempt: Attempt, until: datetime) -> int:
    if attempt.position_since is None:
        return 0
    if attempt.deadline is not None:
        until = min(until, attempt.deadline)
    return max(0, int((until - attempt.position_since).total_seconds()))


def _move(attempt: Attempt, position: int, now: datetime) -> bool:
    """Credit the time spent on the previous question and move on (compare-and-set)."""
    moved = Attempt.objects.filter(
        pk=attempt.pk,
        status=Attempt.Status.IN_PROGRESS,
        current_position=attempt.current_position,
    ).update(current_position=position, position_since=now)
    if moved:
        AttemptItem.objects.filter(attempt=attempt, position=attempt.current_position).update(
            seconds_spent=F("seconds_spent") + _elapsed(attempt, now)
        )
        attempt.current_position, attempt.position_since = position, now
    return bool(moved)


def answer_record(
    *, attempt: Attempt, item: AttemptItem, choice_ids: list[int], seq: int, now: datetime
) -> AttemptItem:
    """Save the learner's answer to one item, replacing the previous one.

    ``seq`` is the client's stamp of the click; a save older than the stored
    one (a retry that arrives late) is ignored, so the newest answer wins.
    """
    _ensure_open(attempt, now)
    allowed = set(item.choice_order)
    chosen = list(dict.fromkeys(choice_ids))
    if any(cid not in allowed for cid in chosen):
        raise AttemptError(_("That option does not belong to this question. Reload the page."))
    if len(chosen) > item.version.choose:
        raise AttemptError(
            _("Choose at most %(n)d options for this question.") % {"n": item.version.choose}
        )
    chosen.sort(key=item.choice_order.index)
    with transaction.atomic():
        _claim(attempt, item.position, now)
        updated = AttemptItem.objects.filter(pk=item.pk, answer_seq__lt=seq).update(
            selected=chosen, answer_seq=seq, answered_at=now
        )
    if updated:
        item.selected, item.answer_seq, item.answered_at = chosen, seq, now
    else:
        item.refresh_from_db(fields=["selected", "answer_seq", "answered_at"])
    return item


def item_flag(*, attempt: Attempt, item: AttemptItem, flagged: bool, now: datetime) -> AttemptItem:
    """Mark or unmark an item for review."""
    _ensure_open(attempt, now)
    with transaction.atomic():
        _claim(attempt, item.position, now)
        AttemptItem.objects.filter(pk=item.pk).update(flagged=flagged)
    item.flagged = flagged
    return item


def attempt_move(*, attempt: Attempt, position: int, now: datetime) -> None:
    """Remember the question the learner is on (for resuming on any device) and time it."""
    if (
        attempt.is_in_progress
        and attempt.current_position != position
        and not is_overdue(attempt, now)
    ):
        with transaction.atomic():
            _move(attempt, position, now)


def attempt_submit(*, attempt: Attempt, now: datetime) -> Attempt:
    """Submit by the learner (or by the page when the timer reaches zero).

    Submitting twice gives the same single result. After deadline + grace the
    attempt is finished as timed out, with the answers saved before then.
    """
    reason = Attempt.FinishReason.SUBMITTED
    if attempt.deadline is not None and now >= attempt.deadline:
        reason = Attempt.FinishReason.TIME_UP
    return attempt_finish(attempt=attempt, now=now, reason=reason)


def attempt_finish(*, attempt: Attempt, now: datetime, reason: str) -> Attempt:
    """Close the attempt exactly once and score it (compare-and-set)."""
    finished_at = min(now, attempt.deadline + grace()) if attempt.deadline else now
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
            status=Attempt.Status.FINISHED, finish_reason=reason, finished_at=finished_at
        )
        if won:
            attempt.refresh_from_db(fields=["current_position", "position_since"])
            AttemptItem.objects.filter(attempt=attempt, position=attempt.current_position).update(
                seconds_spent=F("seconds_spent") + _elapsed(attempt, finished_at)
            )
            _score(attempt)
            report_request_on_commit(attempt_id=attempt.pk, user_id=attempt.user_id, now=now)
    attempt.refresh_from_db()
    return attempt


def _score(attempt: Attempt) -> None:
    items = list(AttemptItem.objects.filter(attempt=attempt).only("id", "version_id", "selected"))
    correct: dict[int, set[int]] = defaultdict(set)
    for vid, cid in Choice.objects.filter(
        version_id__in={i.version_id for i in items}, is_correct=True
    ).values_list("version_id", "id"):
        correct[vid].add(cid)
    for item in items:
        item.is_correct = scoring.is_correct(item.selected, correct[item.version_id])
    AttemptItem.objects.bulk_update(items, ["is_correct"], batch_size=500)
    n_correct = sum(i.is_correct for i in items)
    Attempt.objects.filter(pk=attempt.pk).update(
        correct_count=n_correct,
        passed=scoring.passed(n_correct, attempt.question_count, attempt.pass_ratio),
    )


def attempts_sweep(*, now: datetime) -> int:
    """Finish every attempt left running past deadline + grace. Returns how many."""
    overdue = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now - grace())
    for attempt in overdue:
        attempt_finish(attempt=attempt, now=now, reason=Attempt.FinishReason.TIME_UP)
    return len(overdue)
