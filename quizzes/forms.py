"""Forms: the question editor (options added and removed in place) and the small ones."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.bankfile import KEY_RE, URL_RE, QuestionSpec, parse_question
from quizzes.models import Exam, ImportJob, Question, QuestionReport, TaskStatement, Topic
from quizzes.services.transfer import exam_context
from quizzes.text import control_lines

MAX_OPTIONS = 6


@dataclass
class OptionRow:
    uid: str
    text_ja: str = ""
    text_en: str = ""
    correct: bool = False
    why_ja: str = ""
    why_en: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def new_option_row() -> OptionRow:
    return OptionRow(uid=uuid.uuid4().hex[:10])


@dataclass
class QuestionEditor:
    """Reads the editor's POST, validates it, and builds a QuestionSpec.

    Errors are keyed by field (and by option row) so the page can show each
    message next to its field; warnings (AWS-style option counts) do not block.
    """

    exam: Exam
    question: Question | None
    values: dict = field(default_factory=dict)
    options: list[OptionRow] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def from_question(cls, exam: Exam, question: Question | None) -> QuestionEditor:
        editor = cls(exam=exam, question=question)
        if question is None or question.current_version is None:
            editor.values = {"choose": 1, "difficulty": 2, "topics": []}
            editor.options = [new_option_row() for _ in range(4)]
            return editor
        v = question.current_version
        editor.values = {
            "key": question.key,
            "task": v.task.code,
            "topics": [t.key for t in v.topics.all()],
            "choose": v.choose,
            "difficulty": v.difficulty,
            "stem_ja": v.stem_ja,
            "stem_en": v.stem_en,
            "explanation_ja": v.explanation_ja,
            "explanation_en": v.explanation_en,
            "references": "\n".join(v.references),
        }
        editor.options = [
            OptionRow(
                uid=f"c{c.pk}",
                text_ja=c.text_ja,
                text_en=c.text_en,
                correct=c.is_correct,
                why_ja=c.explanation_ja,
                why_en=c.explanation_en,
            )
            for c in v.choices.order_by("position")
        ]
        return editor

    @classmethod
    def from_post(cls, exam: Exam, question: Question | None, post) -> QuestionEditor:
        editor = cls(exam=exam, question=question)
        get = lambda name: (post.get(name) or "").strip()  # noqa: E731
        editor.values = {
            "key": question.key if question else get("key"),
            "task": get("task"),
            "topics": [t for t in post.getlist("topics") if t][:10],
            "choose": get("choose"),
            "difficulty": get("difficulty"),
            "stem_ja": get("stem_ja"),
            "stem_en": get("stem_en"),
            "explanation_ja": get("explanation_ja"),
            "explanation_en": get("explanation_en"),
            "references": get("references"),
        }
        uids = post.getlist("opt-uid")[: MAX_OPTIONS + 2]
        correct = set(post.getlist("opt-correct"))
        columns = {
            name: post.getlist(f"opt-{name}") for name in ("text_ja", "text_en", "why_ja", "why_en")
        }
        for i, uid in enumerate(uids):
            row = OptionRow(uid=uid[:20], correct=uid in correct)
            for name, values in columns.items():
                setattr(row, name, values[i].strip() if i < len(values) else "")
            editor.options.append(row)
        return editor

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def validate(self) -> QuestionSpec | None:
        v = self.values
        if self.question is None:
            if not KEY_RE.match(v["key"]):
                self.add_error(
                    "key", _("Use 3–80 characters: lower-case letters, digits, '.', '_' or '-'.")
                )
            elif Question.objects.filter(key=v["key"]).exists():
                self.add_error("key", _("Another question already uses this key."))
        tasks = set(
            TaskStatement.objects.filter(domain__exam=self.exam).values_list("code", flat=True)
        )
        if v["task"] not in tasks:
            self.add_error("task", _("Choose the task statement."))
        if not 1 <= len(v["topics"]) <= 3:
            self.add_error("topics", _("Choose one to three topics."))
        try:
            v["choose"] = int(v["choose"])
            if not 1 <= v["choose"] < MAX_OPTIONS:
                raise ValueError
        except (TypeError, ValueError):
            self.add_error("choose", _("Enter how many options are correct (1 to 5)."))
            v["choose"] = 1
        try:
            v["difficulty"] = int(v["difficulty"])
            if v["difficulty"] not in (1, 2, 3):
                raise ValueError
        except (TypeError, ValueError):
            self.add_error("difficulty", _("Choose a difficulty from 1 to 3."))
            v["difficulty"] = 2
        for name in ("stem_ja", "explanation_ja"):
            if not v[name]:
                self.add_error(name, _("Required in Japanese, the primary language."))
        refs = v["references"].split()
        for r in refs:
            if not URL_RE.match(r):
                self.add_error(
                    "references",
                    _("%(url)s is not an https link to docs.aws.amazon.com or aws.amazon.com.")
                    % {"url": r},
                )
        rows = [
            o for o in self.options if o.text_ja or o.text_en or o.why_ja or o.why_en or o.correct
        ]
        self.options = rows or self.options
        for o in rows:
            if not o.text_ja:
                o.errors.setdefault("text_ja", []).append(_("Required in Japanese."))
        if len(rows) < 2:
            self.add_error("options", _("Add at least two options."))
        if len(rows) > MAX_OPTIONS:
            self.add_error("options", _("Use at most six options."))
        n_correct = sum(o.correct for o in rows)
        if rows and n_correct != v["choose"]:
            self.add_error(
                "options",
                _("%(n)d option(s) are marked correct but the question says to choose %(c)d.")
                % {"n": n_correct, "c": v["choose"]},
            )
        if v["choose"] == 1 and len(rows) != 4:
            self.warnings.append(_("AWS single-answer questions have four options."))
        if v["choose"] > 1 and len(rows) < 5:
            self.warnings.append(_("AWS multiple-response questions have five or more options."))
        if any(o.errors for o in rows) or self.errors:
            return None
        item = {
            "key": v["key"],
            "task": v["task"],
            "topics": v["topics"],
            "choose": v["choose"],
            "difficulty": v["difficulty"],
            "status": self.question.status if self.question else "active",
            "stem": {"ja": v["stem_ja"], "en": v["stem_en"]},
            "choices": [
                {
                    "text": {"ja": o.text_ja, "en": o.text_en},
                    "correct": o.correct,
                    "why": {"ja": o.why_ja, "en": o.why_en},
                }
                for o in rows
            ],
            "explanation": {"ja": v["explanation_ja"], "en": v["explanation_en"]},
            "references": refs,
        }
        exam_spec, topics = exam_context(self.exam)
        problems: list[str] = []
        spec = parse_question(item, "editor", exam=exam_spec, topics=topics, errors=problems)
        for p in problems:
            self.add_error("general", p)
        return spec


class ImportForm(forms.Form):
    exam = forms.ModelChoiceField(
        Exam.objects.all(), to_field_name="code", label=gettext_lazy("Exam")
    )
    format = forms.ChoiceField(choices=ImportJob.Format.choices, label=gettext_lazy("Format"))
    file = forms.FileField(label=gettext_lazy("File"))
    task = forms.ModelChoiceField(
        TaskStatement.objects.select_related("domain__exam"),
        required=False,
        label=gettext_lazy("Task statement (GIFT only)"),
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(),
        to_field_name="key",
        required=False,
        label=gettext_lazy("Topics (GIFT only)"),
    )
    language = forms.ChoiceField(
        choices=[("ja", "日本語"), ("en", "English")],
        label=gettext_lazy("Language of the file (GIFT only)"),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            text = f.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc
        bad = control_lines(text, limit=3)
        if bad:
            raise forms.ValidationError(
                _(
                    "The file contains invisible control characters (line %(lines)s); "
                    "remove them and upload it again."
                )
                % {"lines": ", ".join(f"{line}: {code}" for line, code in bad)}
            )
        return text

    def clean(self):
        data = super().clean()
        if data.get("format") == ImportJob.Format.GIFT:
            if not data.get("task"):
                self.add_error("task", _("GIFT files carry no task statement: choose one."))
            if not data.get("topics") or len(data["topics"]) > 3:
                self.add_error(
                    "topics", _("Choose one to three topics for the imported questions.")
                )
        return data


class ReportProblemForm(forms.Form):
    kind = forms.ChoiceField(choices=QuestionReport.Kind.choices, label=gettext_lazy("Problem"))
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=gettext_lazy("Details")
    )


class ResolveForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=gettext_lazy("Resolution note"),
    )
