"""Loading the YAML question bank into the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from quizzes.bankfile import Bank, ExamSpec, QuestionSpec, read_bank
from quizzes.models import Choice, Domain, Exam, Question, QuestionVersion, TaskStatement, Topic

DEFAULT_BANK = Path(settings.BASE_DIR) / "quizzes" / "bank"


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged"
        )


def bank_load(*, path: Path | None = None) -> LoadResult:
    """Validate every file under ``path`` first, then load all of it or nothing.

    Questions are upserted by key. New content becomes a new QuestionVersion,
    so attempts that showed an older version keep showing and scoring it.
    Raises ``quizzes.bankfile.BankError`` listing every problem found.
    """
    bank = read_bank(path or DEFAULT_BANK)
    with transaction.atomic():
        return bank_apply(bank=bank)


def bank_apply(*, bank: Bank, author=None) -> LoadResult:
    topics = _upsert_topics(bank)
    result = LoadResult()
    for spec in bank.exams.values():
        exam, tasks = _upsert_exam(spec)
        questions_upsert(
            exam=exam,
            tasks=tasks,
            topics=topics,
            specs=spec.questions,
            result=result,
            author=author,
        )
    return result


def _upsert_topics(bank: Bank) -> dict[str, Topic]:
    existing = {t.key: t for t in Topic.objects.all()}
    for spec in bank.topics.values():
        values = {
            "group": spec.group,
            "name_ja": spec.name.get("ja", spec.name.get("en", "")),
            "name_en": spec.name.get("en", spec.name.get("ja", "")),
        }
        topic = existing.get(spec.key)
        if topic is None:
            existing[spec.key] = Topic.objects.create(key=spec.key, **values)
        elif any(getattr(topic, k) != v for k, v in values.items()):
            Topic.objects.filter(pk=topic.pk).update(**values)
    return existing


def _upsert_exam(spec: ExamSpec) -> tuple[Exam, dict[str, TaskStatement]]:
    exam, _ = Exam.objects.update_or_create(
        code=spec.code,
        defaults={
            "name_ja": spec.name.get("ja", spec.code),
            "name_en": spec.name.get("en", spec.code),
            "question_count": spec.question_count,
            "duration_minutes": spec.duration_minutes,
            "pass_ratio": round(spec.pass_ratio, 3),
        },
    )
    tasks: dict[str, TaskStatement] = {}
    for d in spec.domains:
        domain, _ = Domain.objects.update_or_create(
            exam=exam,
            code=d.code,
            defaults={
                "weight": d.weight,
                "name_ja": d.name.get("ja", ""),
                "name_en": d.name.get("en", ""),
            },
        )
        for t in d.tasks:
            tasks[t.code], _ = TaskStatement.objects.update_or_create(
                domain=domain,
                code=t.code,
                defaults={"name_ja": t.name.get("ja", ""), "name_en": t.name.get("en", "")},
            )
    return exam, tasks


def questions_upsert(
    *,
    exam: Exam,
    tasks: dict[str, TaskStatement],
    topics: dict[str, Topic],
    specs: list[QuestionSpec],
    result: LoadResult,
    author=None,
) -> None:
    """Create or update questions by key, adding a version only where content changed."""
    existing = {
        q.key: q
        for q in Question.objects.filter(key__in=[s.key for s in specs]).select_related(
            "current_version"
        )
    }
    new_versions: list[tuple[Question, QuestionVersion, QuestionSpec]] = []
    status_changed: list[Question] = []
    for spec in specs:
        question = existing.get(spec.key)
        if question is None:
            question = Question.objects.create(exam=exam, key=spec.key, status=spec.status)
            result.created.append(spec.key)
            number = 1
        else:
            current = question.current_version
            same = current is not None and current.content_hash == spec.content_hash()
            if question.status != spec.status:
                question.status = spec.status
                status_changed.append(question)
            if same:
                status_only = question in status_changed
                (result.changed if status_only else result.unchanged).append(spec.key)
                continue
            result.changed.append(spec.key)
            number = (current.number + 1) if current else 1
        task = tasks[spec.task]
        version = QuestionVersion(
            question=question,
            number=number,
            domain_id=task.domain_id,
            task=task,
            kind=spec.kind,
            choose=spec.choose,
            difficulty=spec.difficulty,
            stem_ja=spec.stem.get("ja", ""),
            stem_en=spec.stem.get("en", ""),
            explanation_ja=spec.explanation.get("ja", ""),
            explanation_en=spec.explanation.get("en", ""),
            references=list(spec.references),
            content_hash=spec.content_hash(),
            created_by=author,
        )
        new_versions.append((question, version, spec))

    QuestionVersion.objects.bulk_create([v for _, v, _ in new_versions])
    Choice.objects.bulk_create(
        Choice(
            version=version,
            position=i,
            text_ja=c.text.get("ja", ""),
            text_en=c.text.get("en", ""),
            is_correct=c.correct,
            explanation_ja=c.why.get("ja", ""),
            explanation_en=c.why.get("en", ""),
        )
        for _, version, spec in new_versions
        for i, c in enumerate(spec.choices, start=1)
    )
    through = QuestionVersion.topics.through
    through.objects.bulk_create(
        through(questionversion_id=version.pk, topic_id=topics[key].pk)
        for _, version, spec in new_versions
        for key in spec.topics
    )
    for question, version, _ in new_versions:
        question.current_version = version
    touched = {q.pk: q for q in status_changed}
    touched.update({q.pk: q for q, _, _ in new_versions})
    Question.objects.bulk_update(list(touched.values()), ["current_version", "status"])
