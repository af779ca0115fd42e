"""Read and validate the question bank's YAML files.

Pure Python (no Django, no database) so that authors can check a file with
``python -m quizzes.bankfile quizzes/bank`` and the loader, the importer and
the test suite all share one definition of a valid bank.

Layout::

    <root>/topics.yaml                 controlled topic vocabulary
    <root>/<EXAM>/exam.yaml            blueprint: domains, weights, task statements
    <root>/<EXAM>/questions/*.yaml     ``questions:`` lists

The schema is documented in ``quizzes/bank/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizzes.text import CONTROL, shorten

LANGUAGES = ("ja", "en")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
URL_RE = re.compile(r"^https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/[^\s]*$")
CHOOSE_WORDS_EN = {2: "TWO", 3: "THREE", 4: "FOUR"}
MAX_CHOICES = 6
MAX_TEXT = 20_000  # characters in one stem, option, explanation or "why"
FIELDS = (
    "key",
    "task",
    "topics",
    "choose",
    "difficulty",
    "status",
    "stem",
    "choices",
    "explanation",
    "references",
)


def _kind(value: Any) -> str:
    """How a wrong-typed YAML value reads in an error message."""
    names = {dict: "a mapping", list: "a list", bool: "true/false", int: "a number"}
    return names.get(type(value), type(value).__name__)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a "\udc80" escape
        return False
    return True


def _names(values: Any) -> str:
    """Unknown keys of any type, listed without echoing unbounded input."""
    return ", ".join(sorted(shorten(v, 40) for v in values)[:10])


class BankError(Exception):
    """Raised with every problem found; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ChoiceSpec:
    text: dict[str, str]
    correct: bool
    why: dict[str, str]


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    task: str
    topics: tuple[str, ...]
    choose: int
    difficulty: int
    status: str
    stem: dict[str, str]
    choices: tuple[ChoiceSpec, ...]
    explanation: dict[str, str]
    references: tuple[str, ...]
    source: str = ""

    @property
    def kind(self) -> str:
        return "single" if self.choose == 1 else "multi"

    @property
    def domain(self) -> str:
        return self.task.split(".")[0]

    def content(self) -> dict[str, Any]:
        """Everything that makes up one version of the question."""
        return {
            "task": self.task,
            "topics": sorted(self.topics),
            "choose": self.choose,
            "difficulty": self.difficulty,
            "stem": self.stem,
            "choices": [{"text": c.text, "correct": c.correct, "why": c.why} for c in self.choices],
            "explanation": self.explanation,
            "references": list(self.references),
        }

    def content_hash(self) -> str:
        raw = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    def to_yaml_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "task": self.task, "topics": list(self.topics)}
        if self.choose != 1:
            data["choose"] = self.choose
        data["difficulty"] = self.difficulty
        if self.status != "active":
            data["status"] = self.status
        data["stem"] = dict(self.stem)
        data["choices"] = []
        for c in self.choices:
            choice: dict[str, Any] = {"text": dict(c.text)}
            if c.correct:
                choice["correct"] = True
            choice["why"] = dict(c.why)
            data["choices"].append(choice)
        data["explanation"] = dict(self.explanation)
        data["references"] = list(self.references)
        return data


@dataclass(frozen=True)
class TaskSpec:
    code: str
    name: dict[str, str]


@dataclass(frozen=True)
class DomainSpec:
    code: str
    weight: int
    name: dict[str, str]
    tasks: tuple[TaskSpec, ...]


@dataclass
class ExamSpec:
    code: str
    name: dict[str, str]
    question_count: int
    duration_minutes: int
    pass_ratio: float
    domains: tuple[DomainSpec, ...]
    questions: list[QuestionSpec] = field(default_factory=list)

    @property
    def task_codes(self) -> set[str]:
        return {t.code for d in self.domains for t in d.tasks}


@dataclass(frozen=True)
class TopicSpec:
    key: str
    group: str
    name: dict[str, str]


@dataclass
class Bank:
    topics: dict[str, TopicSpec]
    exams: dict[str, ExamSpec]


def _texts(value: Any, where: str, errors: list[str], *, required: bool = True) -> dict[str, str]:
    """A ``{ja: ..., en: ...}`` mapping; at least one language must be present."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where}: expected a mapping with 'ja' and/or 'en'")
        return {}
    unknown = [k for k in value if k not in LANGUAGES]
    if unknown:
        errors.append(f"{where}: unknown language(s) {_names(unknown)}")
    out = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if text is None:
            continue
        if not isinstance(text, str):
            errors.append(f"{where}.{lang}: expected text, not {_kind(text)}")
            continue
        if len(text) > MAX_TEXT:
            errors.append(f"{where}.{lang}: {len(text)} characters; at most {MAX_TEXT}")
            continue
        if not text.isascii() and not _encodable(text):
            errors.append(f"{where}.{lang}: contains a character that is not valid Unicode")
            continue
        if match := CONTROL.search(text):
            errors.append(
                f"{where}.{lang}: contains an invisible control character "
                f"(U+{ord(match.group()):04X}); remove it"
            )
            continue
        if text.strip():
            out[lang] = text.strip()
    if required and not out:
        errors.append(f"{where}: text is empty in both languages")
    return out


class StrictLoader(yaml.SafeLoader):
    """Safe YAML without aliases: a few hundred bytes of *refs cannot expand into megabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out in full", mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str) -> tuple[Any, list[int]]:
    """Parse one YAML document; also the 1-based line where each ``questions:`` item starts.

    Raises yaml.YAMLError for invalid YAML, aliases included, and for nesting so deep
    that the parser would exhaust the stack.
    """
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        lines: list[int] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "questions" and isinstance(value, yaml.SequenceNode):
                    lines = [item.start_mark.line + 1 for item in value.value]
        return loader.construct_document(node), lines
    except RecursionError as exc:
        raise yaml.YAMLError("the YAML is nested too deeply to read") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise yaml.YAMLError(f"a value cannot be read: {str(exc)[:100]}") from exc
    finally:
        loader.dispose()


def _load_yaml(path: Path, errors: list[str]) -> Any:
    return _load_yaml_lines(path, errors)[0]


def _load_yaml_lines(path: Path, errors: list[str]) -> tuple[Any, list[int]]:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        errors.append(f"{path}: not valid YAML: {exc}".replace("\n", " "))
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(f"{path}: cannot be read: {exc}")
    return None, []


def parse_topics(data: Any, where: str, errors: list[str]) -> dict[str, TopicSpec]:
    topics: dict[str, TopicSpec] = {}
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        errors.append(f"{where}: expected a 'topics:' list")
        return topics
    for i, item in enumerate(data["topics"]):
        at = f"{where}: topics[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            errors.append(f"{at}: each topic needs a 'key'")
            continue
        key = item["key"]
        if key in topics:
            errors.append(f"{at}: duplicate topic key {key!r}")
        group = item.get("group", "service")
        if group not in ("service", "concept"):
            errors.append(f"{at} ({key}): group must be 'service' or 'concept'")
        topics[key] = TopicSpec(key, group, _texts(item.get("name"), f"{at} ({key}).name", errors))
    return topics


def parse_exam(data: Any, where: str, errors: list[str]) -> ExamSpec | None:
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a mapping")
        return None
    try:
        code = str(data["code"])
        count = int(data["question_count"])
        minutes = int(data["duration_minutes"])
        ratio = float(data["pass_ratio"])
    except (KeyError, TypeError, ValueError) as exc:
        errors.append(
            f"{where}: code, question_count, duration_minutes and pass_ratio are required ({exc})"
        )
        return None
    if not 0 < ratio <= 1:
        errors.append(f"{where}: pass_ratio must be between 0 and 1")
    domains = []
    for i, d in enumerate(data.get("domains") or []):
        at = f"{where}: domains[{i}]"
        if not isinstance(d, dict) or "code" not in d:
            errors.append(f"{at}: each domain needs a 'code'")
            continue
        tasks = tuple(
            TaskSpec(str(t["code"]), _texts(t.get("name"), f"{at}.tasks.name", errors))
            for t in d.get("tasks") or []
            if isinstance(t, dict) and "code" in t
        )
        try:
            weight = int(d.get("weight", 0))
        except (TypeError, ValueError):
            errors.append(f"{at}: weight must be a whole number")
            weight = 0
        domains.append(
            DomainSpec(str(d["code"]), weight, _texts(d.get("name"), f"{at}.name", errors), tasks)
        )
    if not domains:
        errors.append(f"{where}: at least one domain is required")
    return ExamSpec(
        code,
        _texts(data.get("name"), f"{where}.name", errors),
        count,
        minutes,
        ratio,
        tuple(domains),
    )


def parse_question(
    item: Any, where: str, *, exam: ExamSpec, topics: dict[str, TopicSpec], errors: list[str]
) -> QuestionSpec | None:
    """Validate one question mapping; append problems to ``errors``."""
    if not isinstance(item, dict):
        errors.append(f"{where}: each question must be a mapping")
        return None
    key = item.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        errors.append(
            f"{where}: key {shorten(key)} must be 3-80 characters of a-z, 0-9, '.', '_', '-'"
        )
        return None
    at = f"{where} [{key}]"
    before = len(errors)

    raw_task = item.get("task", "")
    task = str(raw_task) if isinstance(raw_task, str | int | float) else ""
    if task not in exam.task_codes:
        errors.append(f"{at}: task {shorten(raw_task)} is not a task statement of {exam.code}")

    raw_topics = item.get("topics") or []
    if not isinstance(raw_topics, list) or not 1 <= len(raw_topics) <= 3:
        errors.append(f"{at}: topics must be a list of 1 to 3 keys")
        raw_topics = []
    for t in raw_topics:
        if not isinstance(t, str):
            errors.append(f"{at}: each topic must be a key (text), not {_kind(t)}")
        elif t not in topics:
            errors.append(f"{at}: topic {shorten(t)} is not in the vocabulary (topics.yaml)")
    raw_topics = [t for t in raw_topics if isinstance(t, str)]
    if len(set(raw_topics)) != len(raw_topics):
        errors.append(f"{at}: a topic is listed twice")

    choose = item.get("choose", 1)
    if not isinstance(choose, int) or isinstance(choose, bool) or choose < 1:
        errors.append(f"{at}: choose must be a whole number of at least 1")
        choose = 1
    difficulty = item.get("difficulty", 2)
    if isinstance(difficulty, bool) or difficulty not in (1, 2, 3):
        errors.append(f"{at}: difficulty must be 1, 2 or 3")
    status = item.get("status", "active")
    if not isinstance(status, str) or status not in ("active", "retired"):
        errors.append(f"{at}: status must be 'active' or 'retired'")

    stem = _texts(item.get("stem"), f"{at}.stem", errors)
    explanation = _texts(item.get("explanation"), f"{at}.explanation", errors)

    choices = []
    raw_choices = item.get("choices")
    if not isinstance(raw_choices, list) or not 2 <= len(raw_choices) <= MAX_CHOICES:
        errors.append(f"{at}: choices must be a list of 2 to {MAX_CHOICES} options")
        raw_choices = []
    for i, c in enumerate(raw_choices):
        cat = f"{at}.choices[{i}]"
        if not isinstance(c, dict):
            errors.append(f"{cat}: each option must be a mapping with 'text'")
            continue
        correct = c.get("correct", False)
        if not isinstance(correct, bool):
            errors.append(f"{cat}: correct must be true or false")
        choices.append(
            ChoiceSpec(
                text=_texts(c.get("text"), f"{cat}.text", errors),
                correct=correct is True,
                why=_texts(c.get("why"), f"{cat}.why", errors, required=False),
            )
        )
    texts = [tuple(sorted(c.text.items())) for c in choices]
    if len(set(texts)) != len(texts):
        errors.append(f"{at}: two options have the same text")
    if raw_choices:
        n_correct = sum(c.correct for c in choices)
        if n_correct != choose:
            errors.append(f"{at}: {n_correct} option(s) marked correct but choose is {choose}")
        if choose >= len(choices):
            errors.append(f"{at}: choose ({choose}) must be less than the number of options")

    refs = item.get("references") or []
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        errors.append(f"{at}: references must be a list of URLs")
        refs = []
    for r in refs:
        if len(r) > 500 or not URL_RE.match(r):
            errors.append(
                f"{at}: reference {shorten(r)} must be an https URL on docs.aws.amazon.com "
                "or aws.amazon.com"
            )

    unknown = [k for k in item if k not in FIELDS]
    if unknown:
        errors.append(f"{at}: unknown field(s) {_names(unknown)}")
    if len(errors) > before:
        return None
    return QuestionSpec(
        key=key,
        task=task,
        topics=tuple(raw_topics),
        choose=choose,
        difficulty=difficulty,
        status=status,
        stem=stem,
        choices=tuple(choices),
        explanation=explanation,
        references=tuple(refs),
        source=where,
    )


def parse_questions(
    data: Any,
    where: str,
    *,
    exam: ExamSpec,
    topics: dict[str, TopicSpec],
    errors: list[str],
    lines: list[int] | None = None,
) -> list[QuestionSpec]:
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        errors.append(f"{where}: expected a top-level 'questions:' list")
        return []
    out = []
    for i, item in enumerate(data["questions"]):
        at = f"{where}: line {lines[i]}" if lines and i < len(lines) else f"{where}: questions[{i}]"
        q = parse_question(item, at, exam=exam, topics=topics, errors=errors)
        if q is not None:
            out.append(q)
    return out


def read_bank(root: Path) -> Bank:
    """Read and validate a whole bank directory. Raises BankError listing every problem."""
    errors: list[str] = []
    root = Path(root)
    if not root.is_dir():
        raise BankError([f"{root}: no such directory"])
    topics = parse_topics(
        _load_yaml(root / "topics.yaml", errors), str(root / "topics.yaml"), errors
    )
    exams: dict[str, ExamSpec] = {}
    seen: dict[str, str] = {}
    for exam_file in sorted(root.glob("*/exam.yaml")):
        exam = parse_exam(_load_yaml(exam_file, errors), str(exam_file), errors)
        if exam is None:
            continue
        exams[exam.code] = exam
        for qfile in sorted((exam_file.parent / "questions").glob("*.yaml")):
            data, lines = _load_yaml_lines(qfile, errors)
            for q in parse_questions(
                data, str(qfile), exam=exam, topics=topics, errors=errors, lines=lines
            ):
                if q.key in seen:
                    errors.append(f"{q.source} [{q.key}]: key already used in {seen[q.key]}")
                    continue
                seen[q.key] = q.source
                exam.questions.append(q)
    if not exams:
        errors.append(f"{root}: no <EXAM>/exam.yaml found")
    if errors:
        raise BankError(errors)
    return Bank(topics=topics, exams=exams)


def quality_problems(q: QuestionSpec) -> list[str]:
    """Rules the bundled bank keeps beyond the schema (AWS exam style, both languages)."""
    at = f"{q.source} [{q.key}]"
    out = []
    for name, texts in [("stem", q.stem), ("explanation", q.explanation)]:
        for lang in LANGUAGES:
            if lang not in texts:
                out.append(f"{at}: {name} has no {lang} text")
    for i, c in enumerate(q.choices):
        for lang in LANGUAGES:
            if lang not in c.text:
                out.append(f"{at}: choices[{i}].text has no {lang} text")
            if lang not in c.why:
                out.append(f"{at}: choices[{i}].why has no {lang} text")
    if q.kind == "single" and len(q.choices) != 4:
        out.append(f"{at}: a single-answer question has 4 options")
    if q.kind == "multi":
        if len(q.choices) not in (5, 6):
            out.append(f"{at}: a multiple-response question has 5 or 6 options")
        word = CHOOSE_WORDS_EN.get(q.choose, str(q.choose))
        if f"(Choose {word}.)" not in q.stem.get("en", ""):
            out.append(f"{at}: English stem must end with '(Choose {word}.)'")
        if f"{q.choose}つ選択" not in q.stem.get("ja", ""):
            out.append(f"{at}: Japanese stem must say '（{q.choose}つ選択してください。）'")
    if not q.references:
        out.append(f"{at}: at least one reference URL is required")
    return out


@dataclass(frozen=True)
class LengthCue:
    """How often an option's length gives the key away, for one group of questions."""

    kind: str
    lang: str
    questions: int
    hits: int
    chance: float

    @property
    def rate(self) -> float:
        return self.hits / self.questions if self.questions else 0.0

    @property
    def tolerance(self) -> float:
        # Five points, or two standard errors where the group is too small for five to mean much.
        if not self.questions:
            return 1.0
        se = math.sqrt(self.chance * (1 - self.chance) / self.questions)
        return max(0.05, 2 * se) if self.questions < 100 else 0.05

    @property
    def ok(self) -> bool:
        return abs(self.rate - self.chance) <= self.tolerance


def gives_key_by_length(q: QuestionSpec, lang: str) -> bool:
    """True when the correct options are exactly the k strictly longest options."""
    lengths = sorted(
        ((len(c.text.get(lang, "").strip()), c.correct) for c in q.choices), reverse=True
    )
    k = q.choose
    if k >= len(lengths) or lengths[k - 1][0] == lengths[k][0]:
        return False
    return all(correct for _, correct in lengths[:k])


def length_cues(questions: list[QuestionSpec]) -> list[LengthCue]:
    """Per kind and language: how often "pick the longest" finds the key, against chance."""
    out = []
    for kind in ("single", "multi"):
        group = [q for q in questions if q.kind == kind and q.status == "active"]
        if not group:
            continue
        chance = sum(1 / math.comb(len(q.choices), q.choose) for q in group) / len(group)
        for lang in LANGUAGES:
            hits = sum(gives_key_by_length(q, lang) for q in group)
            out.append(LengthCue(kind, lang, len(group), hits, chance))
    return out


def check_file(path: Path, root: Path) -> list[str]:
    """Validate one question file against the vocabulary and its exam's blueprint."""
    errors: list[str] = []
    topics = parse_topics(_load_yaml(root / "topics.yaml", errors), "topics.yaml", errors)
    exam = parse_exam(_load_yaml(path.parent.parent / "exam.yaml", errors), "exam.yaml", errors)
    if exam is None:
        return errors
    data, lines = _load_yaml_lines(path, errors)
    questions = parse_questions(
        data, str(path), exam=exam, topics=topics, errors=errors, lines=lines
    )
    keys = [q.key for q in questions]
    errors += [
        f"{path}: key {k!r} appears twice" for k in sorted({k for k in keys if keys.count(k) > 1})
    ]
    return (
        errors
        + [p for q in questions for p in quality_problems(q)]
        + [f"{path}: {len(questions)} valid question(s)"]
    )


def _print_cues(questions: list[QuestionSpec]) -> None:
    for cue in length_cues(questions):
        mark = "ok" if cue.ok else "CUE"
        print(
            f"  {cue.kind:6} {cue.lang}: longest is the key in {cue.hits}/{cue.questions}"
            f" = {cue.rate:.0%} (chance {cue.chance:.0%} ± {cue.tolerance:.0%}) {mark}"
        )
    positions: dict[int, int] = {}
    for q in questions:
        if q.kind == "single":
            i = next(i for i, c in enumerate(q.choices) if c.correct)
            positions[i] = positions.get(i, 0) + 1
    print("  key position in file (single answer):", dict(sorted(positions.items())))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--cues"]:
        # Length cues for one file, or for each exam of the whole bank.
        if len(argv) > 1:
            bank_root = Path(__file__).parent / "bank"
            errors: list[str] = []
            path = Path(argv[1])
            topics = parse_topics(_load_yaml(bank_root / "topics.yaml", errors), "t", errors)
            exam = parse_exam(_load_yaml(path.parent.parent / "exam.yaml", errors), "e", errors)
            assert exam is not None
            qs = parse_questions(
                _load_yaml(path, errors), str(path), exam=exam, topics=topics, errors=errors
            )
            print(path)
            _print_cues(qs)
            return 0
        for exam in read_bank(Path(__file__).parent / "bank").exams.values():
            print(exam.code)
            _print_cues(exam.questions)
        return 0
    if argv[:1] == ["--file"]:
        out = check_file(Path(argv[1]), Path(__file__).parent / "bank")
        print("\n".join(out))
        return 0 if len(out) == 1 else 1
    root = Path(argv[0]) if argv else Path(__file__).parent / "bank"
    try:
        bank = read_bank(root)
    except BankError as exc:
        print("\n".join(exc.errors))
        print(f"{len(exc.errors)} error(s)")
        return 1
    problems = [p for e in bank.exams.values() for q in e.questions for p in quality_problems(q)]
    print("\n".join(problems))
    for exam in bank.exams.values():
        print(f"{exam.code}: {len(exam.questions)} questions, {len(problems)} style problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
