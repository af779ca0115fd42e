"""The question bank and the exam engine's records.

A Question is a stable identity (its key); its content lives in immutable
QuestionVersions. Attempts point at the version they showed, so editing the
bank never changes a past result.

One Attempt model serves every way of taking questions: ``mode`` says how it
is run (today a timed mock exam; practice, drills and spaced review are
further modes on the same engine), ``deadline`` is empty for untimed modes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def pick(obj: object, field: str) -> str:
    """The text in the active language, falling back to the other one."""
    lang = (translation.get_language() or "ja")[:2]
    other = "en" if lang == "ja" else "ja"
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_{other}", "")


class Exam(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    question_count = models.PositiveSmallIntegerField(default=65)
    duration_minutes = models.PositiveSmallIntegerField(default=130)
    pass_ratio = models.DecimalField(max_digits=4, decimal_places=3, default=0.7)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return pick(self, "name")


class Domain(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=10)
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(help_text="Share of the exam, in percent")

    class Meta:
        ordering = ["exam", "code"]
        constraints = [models.UniqueConstraint(fields=["exam", "code"], name="domain_unique_code")]

    def __str__(self) -> str:
        return f"{self.exam.code} {self.code}"

    @property
    def name(self) -> str:
        return pick(self, "name")


class TaskStatement(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=10)
    name_ja = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)

    class Meta:
        ordering = ["domain", "code"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="task_unique_code")]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return pick(self, "name")


class Topic(models.Model):
    class Group(models.TextChoices):
        SERVICE = "service", _("AWS service")
        CONCEPT = "concept", _("Concept")

    key = models.SlugField(max_length=60, unique=True)
    group = models.CharField(max_length=10, choices=Group.choices, default=Group.SERVICE)
    name_ja = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def name(self) -> str:
        return pick(self, "name")


class Question(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="questions")
    key = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["exam", "status"])]

    def __str__(self) -> str:
        return self.key


class QuestionVersion(models.Model):
    """One immutable revision of a question's content."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single answer")
        MULTI = "multi", _("Multiple response")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(TaskStatement, on_delete=models.PROTECT, related_name="+")
    topics = models.ManyToManyField(Topic, related_name="versions", blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    choose = models.PositiveSmallIntegerField(default=1)
    difficulty = models.PositiveSmallIntegerField(default=2)
    stem_ja = models.TextField(blank=True)
    stem_en = models.TextField(blank=True)
    explanation_ja = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="version_unique_number"),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="version_difficulty_1_3"
            ),
            models.CheckConstraint(
                condition=(Q(kind="single", choose=1) | Q(kind="multi", choose__gte=2)),
                name="version_kind_matches_choose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key} v{self.number}"

    @property
    def stem(self) -> str:
        return pick(self, "stem")

    @property
    def explanation(self) -> str:
        return pick(self, "explanation")


class Choice(models.Model):
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text_ja = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    is_correct = models.BooleanField(default=False)
    explanation_ja = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="choice_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.version} #{self.position}"

    @property
    def text(self) -> str:
        return pick(self, "text")

    @property
    def explanation(self) -> str:
        return pick(self, "explanation")


class Attempt(models.Model):
    class Mode(models.TextChoices):
        EXAM = "exam", _("Timed mock exam")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    class FinishReason(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        TIME_UP = "time_up", _("Time ran out")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.EXAM)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True
    )
    finish_reason = models.CharField(max_length=20, choices=FinishReason.choices, blank=True)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True, help_text="Empty when untimed")
    finished_at = models.DateTimeField(null=True, blank=True)
    current_position = models.PositiveSmallIntegerField(default=1)
    # When the learner arrived at current_position: time on a question is
    # measured by the server, from one move to the next.
    position_since = models.DateTimeField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField()
    pass_ratio = models.DecimalField(max_digits=4, decimal_places=3)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "-started_at"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            # Two simultaneous "Start" clicks must not give a learner two running attempts.
            models.UniqueConstraint(
                fields=["user", "exam", "mode"],
                condition=models.Q(status="in_progress"),
                name="one_attempt_in_progress_per_exam_and_mode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exam.code} #{self.pk} ({self.user})"

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def score_percent(self) -> float | None:
        if self.correct_count is None or not self.question_count:
            return None
        return round(100 * self.correct_count / self.question_count, 1)

    @property
    def time_used_seconds(self) -> int | None:
        if self.finished_at is None:
            return None
        end = min(self.finished_at, self.deadline) if self.deadline else self.finished_at
        return max(0, int((end - self.started_at).total_seconds()))


class AttemptItem(models.Model):
    """One question within an attempt, with the learner's saved answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempt_items")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    choice_order = models.JSONField(help_text="Choice ids in the order this attempt shows them")
    selected = models.JSONField(default=list, blank=True, help_text="Chosen choice ids")
    flagged = models.BooleanField(default=False)
    # The client's clock stamp of the click that produced ``selected``: a save
    # carrying an older stamp than the stored one is stale and is ignored.
    answer_seq = models.BigIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="item_unique_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="item_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"

    @property
    def is_answered(self) -> bool:
        return bool(self.selected)


class Report(models.Model):
    """A learner's current weak-area report, rebuilt after every finished attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Computing")
        READY = "ready", _("Ready")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The newest finished attempt the data covers; a newer one makes the report stale.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    computed_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"report for {self.user}"


class QuestionReport(models.Model):
    """A learner's report of a problem with the version of a question they saw."""

    class Kind(models.TextChoices):
        WRONG_KEY = "wrong_key", _("The marked answer is wrong")
        UNCLEAR = "unclear", _("The question is unclear")
        OUTDATED = "outdated", _("Outdated information")
        TYPO = "typo", _("Typo or translation error")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_reports"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.kind}"


class QuestionStats(models.Model):
    """Item analysis over finished attempts, refreshed by a Celery task."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="stats")
    answered = models.PositiveIntegerField(default=0)
    facility = models.FloatField(null=True, blank=True, help_text="Share answered correctly")
    discrimination = models.FloatField(
        null=True, blank=True, help_text="Correlation with the score on the rest of the exam"
    )
    option_counts = models.JSONField(default=dict, blank=True)
    median_seconds = models.FloatField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"stats for {self.question.key}"


class Regrade(models.Model):
    """An instructor's explicit rescoring of past attempts after fixing a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="regrades")
    to_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"regrade of {self.question.key}"


class ImportJob(models.Model):
    """An uploaded bank file: previewed first (dry run), then applied all or nothing."""

    class Format(models.TextChoices):
        YAML = "yaml", "YAML"
        CSV = "csv", "CSV"
        GIFT = "gift", "Moodle GIFT"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    filename = models.CharField(max_length=200)
    content = models.TextField()
    options = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.filename}"
