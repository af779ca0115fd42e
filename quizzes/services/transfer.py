"""Import and export of questions: the bank's YAML, CSV for spreadsheets, Moodle GIFT.

Every import is a two-step job: ``import_preview`` parses and classifies each
question (new, changed, unchanged) and lists every error; ``import_apply``
re-parses the stored file and applies it all or nothing, only if it has no error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import yaml
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from quizzes.bankfile import (
    ChoiceSpec,
    ExamSpec,
    QuestionSpec,
    TaskSpec,
    TopicSpec,
    load_yaml,
    parse_question,
    parse_questions,
)
from quizzes.importers.gift import parse_gift
from quizzes.models import Choice, Exam, ImportJob, Question, QuestionVersion, TaskStatement, Topic
from quizzes.services.bank import LoadResult, questions_upsert
from quizzes.text import control_lines

MAX_OPTIONS = 6
# An import is read within these bounds, whatever the file holds: a worker is never
# tied up by one upload, and a preview never echoes more than a page of errors.
MAX_QUESTIONS = 2000
MAX_ERRORS = 200
MAX_ERROR_CHARS = 300
READ_SECONDS = 10.0
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BASE = [
    "key",
    "task",
    "topics",
    "choose",
    "difficulty",
    "status",
    "stem_ja",
    "stem_en",
    "explanation_ja",
    "explanation_en",
    "references",
]
CSV_COLUMNS = CSV_BASE + [
    f"option{i}_{part}"
    for i in range(1, MAX_OPTIONS + 1)
    for part in ("ja", "en", "correct", "why_ja", "why_en")
]


# ---------------------------------------------------------------- specs from the database


def spec_from_version(question: Question, version: QuestionVersion) -> QuestionSpec:
    def texts(ja: str, en: str) -> dict[str, str]:
        return {k: v for k, v in (("ja", ja), ("en", en)) if v}

    return QuestionSpec(
        key=question.key,
        task=version.task.code,
        topics=tuple(t.key for t in version.topics.all()),
        choose=version.choose,
        difficulty=version.difficulty,
        status=question.status,
        stem=texts(version.stem_ja, version.stem_en),
        choices=tuple(
            ChoiceSpec(
                text=texts(c.text_ja, c.text_en),
                correct=c.is_correct,
                why=texts(c.explanation_ja, c.explanation_en),
            )
            for c in version.choices.all()
        ),
        explanation=texts(version.explanation_ja, version.explanation_en),
        references=tuple(version.references),
    )


def exam_specs(exam: Exam) -> list[QuestionSpec]:
    """Every question of the exam (active and retired) as its current version, by key."""
    questions = (
        Question.objects.filter(exam=exam, current_version__isnull=False)
        .select_related("current_version__task")
        .prefetch_related(
            Prefetch("current_version__choices", queryset=Choice.objects.order_by("position")),
            "current_version__topics",
        )
        .order_by("key")
    )
    return [spec_from_version(q, q.current_version) for q in questions]


def exam_context(exam: Exam) -> tuple[ExamSpec, dict[str, TopicSpec]]:
    """The blueprint and vocabulary as the validator sees them."""
    tasks = TaskStatement.objects.filter(domain__exam=exam).select_related("domain")
    by_domain: dict[str, list[TaskSpec]] = {}
    for t in tasks:
        by_domain.setdefault(t.domain.code, []).append(TaskSpec(t.code, {"ja": t.name_ja}))
    from quizzes.bankfile import DomainSpec

    spec = ExamSpec(
        code=exam.code,
        name={"ja": exam.name_ja, "en": exam.name_en},
        question_count=exam.question_count,
        duration_minutes=exam.duration_minutes,
        pass_ratio=float(exam.pass_ratio),
        domains=tuple(DomainSpec(code, 0, {}, tuple(ts)) for code, ts in by_domain.items()),
    )
    topics = {
        t.key: TopicSpec(t.key, t.group, {"ja": t.name_ja, "en": t.name_en})
        for t in Topic.objects.all()
    }
    return spec, topics


# ---------------------------------------------------------------- YAML


class _BlockDumper(yaml.SafeDumper):
    """Multi-line texts as block scalars, so an exported file reads like the bank."""


def _str_representer(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BlockDumper.add_representer(str, _str_representer)


def export_yaml(exam: Exam) -> str:
    data = {"questions": [s.to_yaml_dict() for s in exam_specs(exam)]}
    header = f"# {exam.code} questions exported from Mogi on {timezone.now():%Y-%m-%d}\n"
    return header + yaml.dump(
        data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100
    )


def parse_yaml(text: str, exam_spec: ExamSpec, topics) -> tuple[list[QuestionSpec], list[str]]:
    errors: list[str] = []
    try:
        data, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        return [], [f"not valid YAML: {exc}".replace("\n", " ")]
    questions = data.get("questions") if isinstance(data, dict) else None
    if isinstance(questions, list) and len(questions) > MAX_QUESTIONS:
        return [], [_too_many(len(questions))]
    specs = parse_questions(data, "file", exam=exam_spec, topics=topics, errors=errors, lines=lines)
    return specs, [e.removeprefix("file: ") for e in errors]


def _too_many(n: int) -> str:
    return f"the file holds {n} questions; import at most {MAX_QUESTIONS} at a time"


# ---------------------------------------------------------------- CSV


def export_csv(exam: Exam) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for s in exam_specs(exam):
        row = {
            "key": s.key,
            "task": s.task,
            "topics": " ".join(s.topics),
            "choose": s.choose,
            "difficulty": s.difficulty,
            "status": s.status,
            "stem_ja": s.stem.get("ja", ""),
            "stem_en": s.stem.get("en", ""),
            "explanation_ja": s.explanation.get("ja", ""),
            "explanation_en": s.explanation.get("en", ""),
            "references": "\n".join(s.references),
        }
        for i, c in enumerate(s.choices, start=1):
            row[f"option{i}_ja"] = c.text.get("ja", "")
            row[f"option{i}_en"] = c.text.get("en", "")
            row[f"option{i}_correct"] = "1" if c.correct else ""
            row[f"option{i}_why_ja"] = c.why.get("ja", "")
            row[f"option{i}_why_en"] = c.why.get("en", "")
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def csv_cell(value: object) -> object:
    """Neutralise a cell a spreadsheet would run as a formula; ``csv_value`` undoes it."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def csv_value(cell: str) -> str:
    """The text of a cell written by ``csv_cell``."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


def parse_csv(text: str, exam_spec: ExamSpec, topics) -> tuple[list[QuestionSpec], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        return [], [f"line {reader.line_num}: the header row cannot be read ({exc})"]
    missing = [c for c in ("key", "task", "stem_ja", "option1_ja") if c not in fieldnames]
    if missing:
        return [], [f"the header row lacks the column(s) {', '.join(missing)}"]
    specs: list[QuestionSpec] = []
    errors: list[str] = []
    rows = iter(reader)
    read = 0
    while True:
        n = reader.line_num + 1  # the line where the next row starts
        try:
            raw = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {n}: this row cannot be read as CSV ({exc})")
            break
        read += 1
        if read > MAX_QUESTIONS:
            return [], [_too_many(read + sum(1 for _ in rows))]
        row = {
            k: csv_value((v if isinstance(v, str) else "").strip())
            for k, v in raw.items()
            if isinstance(k, str)
        }
        item: dict = {
            "key": row.get("key"),
            "task": row.get("task"),
            "topics": row.get("topics", "").replace(",", " ").split(),
            "stem": {"ja": row.get("stem_ja", ""), "en": row.get("stem_en", "")},
            "explanation": {
                "ja": row.get("explanation_ja", ""),
                "en": row.get("explanation_en", ""),
            },
            "references": row.get("references", "").split(),
            "choices": [],
        }
        for name, cast in (("choose", int), ("difficulty", int)):
            if row.get(name):
                try:
                    item[name] = cast(row[name])
                except ValueError:
                    errors.append(f"line {n}: {name} must be a whole number, not {row[name]!r}")
        if row.get("status"):
            item["status"] = row["status"]
        for i in range(1, MAX_OPTIONS + 1):
            ja, en = row.get(f"option{i}_ja", ""), row.get(f"option{i}_en", "")
            if ja or en:
                item["choices"].append(
                    {
                        "text": {"ja": ja, "en": en},
                        "correct": row.get(f"option{i}_correct", "").lower()
                        in ("1", "true", "yes", "x"),
                        "why": {
                            "ja": row.get(f"option{i}_why_ja", ""),
                            "en": row.get(f"option{i}_why_en", ""),
                        },
                    }
                )
        spec = parse_question(item, f"line {n}", exam=exam_spec, topics=topics, errors=errors)
        if spec is not None:
            specs.append(spec)
    return specs, errors


# ---------------------------------------------------------------- GIFT


def parse_gift_specs(
    text: str, exam_spec: ExamSpec, topics, *, task: str, topic_keys: list[str], language: str
) -> tuple[list[QuestionSpec], list[str]]:
    """GIFT questions tagged with the task and topics chosen on the import form."""
    questions, problems = parse_gift(text)
    errors = [f"line {p.line}: {p.message}" for p in problems]
    specs = []
    for q in questions:
        slug = re.sub(r"[^a-z0-9]+", "-", q.title.lower()).strip("-")[:50]
        digest = hashlib.sha256(q.stem.encode()).hexdigest()[:8]
        item = {
            "key": f"gift-{slug}-{digest}" if slug else f"gift-{digest}",
            "task": task,
            "topics": topic_keys,
            "choose": q.choose,
            "stem": {language: q.stem},
            "choices": [
                {"text": {language: c.text}, "correct": c.correct, "why": {language: c.feedback}}
                for c in q.choices
            ],
            "explanation": {language: q.general_feedback or q.stem},
        }
        spec = parse_question(item, f"line {q.line}", exam=exam_spec, topics=topics, errors=errors)
        if spec is not None:
            specs.append(spec)
    return specs, errors


# ---------------------------------------------------------------- preview and apply


@dataclass
class Preview:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def _parse_job(job: ImportJob, exam: Exam) -> tuple[list[QuestionSpec], list[str]]:
    specs, errors = _read_job(job, exam)
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [f"... and {len(errors) - MAX_ERRORS} more errors"]
    return specs, [
        e if len(e) <= MAX_ERROR_CHARS else e[: MAX_ERROR_CHARS - 1] + "…" for e in errors
    ]


def _read_job(job: ImportJob, exam: Exam) -> tuple[list[QuestionSpec], list[str]]:
    bad = control_lines(job.content)
    if bad:
        return [], [
            f"line {line}: contains an invisible control character ({code}); "
            "remove it and upload the file again"
            for line, code in bad
        ]
    exam_spec, topics = exam_context(exam)
    started = time.monotonic()
    if job.format == ImportJob.Format.YAML:
        specs, errors = parse_yaml(job.content, exam_spec, topics)
    elif job.format == ImportJob.Format.CSV:
        specs, errors = parse_csv(job.content, exam_spec, topics)
    else:
        specs, errors = parse_gift_specs(
            job.content,
            exam_spec,
            topics,
            task=job.options.get("task", ""),
            topic_keys=job.options.get("topics", []),
            language=job.options.get("language", "ja"),
        )
    if time.monotonic() - started > READ_SECONDS:
        return [], [
            f"reading the file took more than {READ_SECONDS:.0f} seconds; "
            "split it into smaller files"
        ]
    counts = Counter(s.key for s in specs)
    keys = list(counts)
    errors += [
        f"key {k} appears more than once" for k in sorted(k for k, n in counts.items() if n > 1)
    ]
    other = Question.objects.filter(key__in=keys).exclude(exam=exam).values_list("key", flat=True)
    errors += [f"key {k} belongs to another exam" for k in other]
    if not specs and not errors:
        errors.append("the file contains no question")
    return specs, errors


def import_preview(*, job: ImportJob) -> Preview:
    """Classify every question of the file without changing anything."""
    exam = Exam.objects.get(code=job.options["exam"])
    specs, errors = _parse_job(job, exam)
    current = {
        q.key: q
        for q in Question.objects.filter(key__in=[s.key for s in specs]).select_related(
            "current_version"
        )
    }
    preview = Preview(errors=errors)
    for s in specs:
        q = current.get(s.key)
        if q is None:
            preview.new.append(s.key)
        elif (
            q.current_version is None
            or q.current_version.content_hash != s.content_hash()
            or q.status != s.status
        ):
            preview.changed.append(s.key)
        else:
            preview.unchanged.append(s.key)
    job.summary = preview.as_dict()
    job.save(update_fields=["summary"])
    return preview


class ImportRefused(Exception):
    pass


def import_apply(*, job: ImportJob, author) -> LoadResult:
    """Apply the whole file, or nothing if any question has an error."""
    exam = Exam.objects.get(code=job.options["exam"])
    specs, errors = _parse_job(job, exam)
    if errors:
        raise ImportRefused(errors)
    tasks = {t.code: t for t in TaskStatement.objects.filter(domain__exam=exam)}
    topics = {t.key: t for t in Topic.objects.all()}
    result = LoadResult()
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        if not claimed:
            raise ImportRefused(["this import has already been applied"])
        questions_upsert(
            exam=exam, tasks=tasks, topics=topics, specs=specs, result=result, author=author
        )
    return result
