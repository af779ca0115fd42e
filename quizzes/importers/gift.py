"""Read Moodle GIFT files (https://docs.moodle.org/en/GIFT_format).

Pure Python (no Django) so it can be tested exhaustively. Only multiple choice (one ``=``
answer) and multiple answer (``~%weight%`` answers) questions are imported; every other GIFT
construct, and every malformed question, becomes a ``GiftProblem`` pointing at the line where
the question starts, and the question is skipped. ``parse_gift`` never raises.

Problem messages do not repeat the line number: callers show ``f"line {p.line}: {p.message}"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

SUPPORTED = "only multiple choice and multiple answer are imported"
# Moodle writes 33.33333 for a third; three of them add up to 99.99999.
WEIGHT_TOLERANCE = 1.0

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CATEGORY = re.compile(r"\$CATEGORY:(.*)", re.IGNORECASE | re.DOTALL)
_FORMAT = re.compile(r"\s*\[(?:markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"\s*%\s*(-?\d+(?:\.\d+)?)\s*%")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_TRUE_FALSE = {"t", "true", "f", "false"}


@dataclass(frozen=True)
class GiftChoice:
    text: str
    correct: bool
    feedback: str  # "" when none


@dataclass(frozen=True)
class GiftQuestion:
    line: int  # 1-based line where the question starts
    title: str  # "" when no ::title::
    category: str  # last $CATEGORY: seen before it, "" if none
    stem: str  # text before the answer block, markup prefix like [markdown] removed
    choices: tuple[GiftChoice, ...]
    general_feedback: str  # text after #### inside the braces, "" if none
    choose: int  # number of correct choices


@dataclass(frozen=True)
class GiftProblem:
    line: int
    message: str  # human-readable, says what is unsupported or wrong and how to fix it


def parse_gift(text: str) -> tuple[list[GiftQuestion], list[GiftProblem]]:
    """Every importable question of a GIFT file, and a problem for each one that is not."""
    questions: list[GiftQuestion] = []
    problems: list[GiftProblem] = []
    for block in _blocks(text):
        try:
            questions.append(_question(block))
        except _Skip as skip:
            problems += [GiftProblem(block.line, reason) for reason in skip.reasons]
    return questions, problems


# ---------------------------------------------------------------- splitting the file


@dataclass(frozen=True)
class _Block:
    line: int
    category: str
    raw: str


class _Skip(Exception):
    """The question cannot be imported, for these reasons (used only inside this module)."""

    def __init__(self, *reasons: str):
        super().__init__(*reasons)
        self.reasons = reasons


def _blocks(text: str) -> Iterator[_Block]:
    """The text of each question with its first line; blank lines and categories end one."""
    category = ""
    start, lines = 0, list[str]()
    for number, line in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            # Moodle drops comment lines, even in the middle of a question.
            continue
        category_line = _CATEGORY.match(stripped)
        if stripped and not category_line:
            if not lines:
                start = number
            lines.append(line)
            continue
        if lines:
            yield _Block(start, category, "\n".join(lines))
            lines = []
        if category_line:
            category = category_line.group(1).strip()
    if lines:
        yield _Block(start, category, "\n".join(lines))


# ---------------------------------------------------------------- one question


def _question(block: _Block) -> GiftQuestion:
    title, body = _title(block.raw.strip())
    stem, answers = _split_answer_block(_without_format(body))
    stem = _unescape(stem.strip())
    if not stem:
        raise _Skip("the question has no text before its answer block {...}; write the question")
    general_at = _find(answers, "####")
    general = ""
    if general_at >= 0:
        answers, general = answers[:general_at], answers[general_at + 4 :]
    _reject_unsupported_kinds(answers.strip())
    choices = _choices(answers)
    return GiftQuestion(
        line=block.line,
        title=title,
        category=block.category,
        stem=stem,
        choices=choices,
        general_feedback=_text(general),
        choose=sum(c.correct for c in choices),
    )


def _title(raw: str) -> tuple[str, str]:
    if not raw.startswith("::"):
        return "", raw
    end = _find(raw, "::", start=2)
    if end < 0:
        raise _Skip(
            "the title opened with :: is not closed; end it with :: "
            "(write a colon that is part of the title as \\:)"
        )
    return _unescape(raw[2:end].strip()), raw[end + 2 :]


def _split_answer_block(body: str) -> tuple[str, str]:
    """The raw text before the braces and the raw text inside them."""
    unbalanced = "unbalanced braces: {}; write braces that are part of the text as \\{{ and \\}}"
    open_at = _find(body, "{", "}")
    if open_at < 0:
        raise _Skip(
            "there is no answer block; add the choices in braces, e.g. {=right ~wrong} "
            f"(descriptions without answers are not supported; {SUPPORTED})"
        )
    if body[open_at] == "}":
        raise _Skip(unbalanced.format("a } comes before any {"))
    close_at = _find(body, "{", "}", start=open_at + 1)
    if close_at < 0:
        raise _Skip(unbalanced.format("the { is never closed with }"))
    if body[close_at] == "{":
        raise _Skip(unbalanced.format("a second { opens before the first is closed"))
    after = body[close_at + 1 :]
    extra = _find(after, "{", "}")
    if extra >= 0 and after[extra] == "{":
        raise _Skip(
            "the question has more than one answer block {...}; "
            f"a question may have only one ({SUPPORTED})"
        )
    if extra >= 0:
        raise _Skip(unbalanced.format("a } after the answer block has no matching {"))
    if after.strip():
        raise _Skip(
            "missing-word questions (text after the closing }) are not supported; "
            f"{SUPPORTED}. Move the text after }} into the question before {{"
        )
    return body[:open_at], body[open_at + 1 : close_at]


def _reject_unsupported_kinds(answers: str) -> None:
    """Recognise the other GIFT question types the way Moodle does, in the same order."""
    if not answers:
        raise _Skip(f"essay questions ({{}}) are not supported; {SUPPORTED}")
    if answers.startswith("#"):
        raise _Skip(f"numerical questions ({{#...}}) are not supported; {SUPPORTED}")
    if _find(answers, "~") >= 0:
        return
    if _find(answers, "->") >= 0:
        raise _Skip(f"matching questions (->) are not supported; {SUPPORTED}")
    feedback_at = _find(answers, "#")
    if answers[: feedback_at if feedback_at >= 0 else None].strip().lower() in _TRUE_FALSE:
        raise _Skip(
            f"true/false questions are not supported; {SUPPORTED}. "
            "Write it as multiple choice instead, e.g. {=True ~False}"
        )
    if _find(answers, "=") >= 0:
        raise _Skip(
            "short answer questions (only = answers, no ~) are not supported; "
            f"{SUPPORTED}. Add wrong choices with ~ to make it multiple choice"
        )
    raise _Skip("the answer block has no choices; start each choice with = (right) or ~ (wrong)")


# ---------------------------------------------------------------- choices


@dataclass(frozen=True)
class _Answer:
    mark: str  # "=" or "~"
    weight: float | None  # None when the answer has no %weight%
    text: str
    feedback: str


def _choices(answers: str) -> tuple[GiftChoice, ...]:
    marks = _find_all(answers, "=", "~")
    lead = answers[: marks[0]].strip()
    if lead:
        raise _Skip(
            f'the answer block has text ("{_unescape(lead)[:30]}") before its first choice; '
            "start each choice with = (right) or ~ (wrong)"
        )
    ends = [*marks[1:], len(answers)]
    parsed = [
        _answer(answers[at], answers[at + 1 : end]) for at, end in zip(marks, ends, strict=True)
    ]
    weighted = [a for a in parsed if a.weight is not None]
    equals = [a for a in parsed if a.mark == "="]
    if weighted and equals:
        raise _Skip(
            "the answer block mixes = answers with %weight% answers; use = and ~ for one right "
            "answer, or put a weight like ~%50% on every right answer of a multiple-answer question"
        )
    if weighted:
        choices = tuple(GiftChoice(a.text, (a.weight or 0) > 0, a.feedback) for a in parsed)
    else:
        choices = tuple(GiftChoice(a.text, a.mark == "=", a.feedback) for a in parsed)

    reasons = []
    if len(choices) < 2:
        reasons.append(f"the question has only {len(choices)} choice; add at least one more with ~")
    reasons += [f"choice {n} has no text" for n, c in enumerate(choices, 1) if not c.text]
    reasons += [
        f"the weight %{a.weight:g}% is outside -100..100"
        for a in weighted
        if not -100 <= (a.weight or 0) <= 100
    ]
    positive = sum(a.weight for a in weighted if a.weight and a.weight > 0)
    if not any(c.correct for c in choices):
        reasons.append(
            "the question has no correct choice; mark the right answer with = "
            "or give the right answers positive weights like ~%50%"
        )
    elif weighted and abs(positive - 100) > WEIGHT_TOLERANCE:
        reasons.append(
            f"the positive weights add up to {positive:g}%, not 100%; "
            "adjust them so the right answers add up to 100"
        )
    if len(equals) > 1:
        reasons.append(
            f"{len(equals)} choices are marked with =, which Moodle reads as alternative right "
            "answers; keep one =, or use weights like ~%50% for a multiple-answer question"
        )
    if reasons:
        raise _Skip(*reasons)
    return choices


def _answer(mark: str, raw: str) -> _Answer:
    weight = None
    if match := _WEIGHT.match(raw):
        weight, raw = float(match.group(1)), raw[match.end() :]
    feedback_at = _find(raw, "#")
    feedback = raw[feedback_at + 1 :] if feedback_at >= 0 else ""
    text = raw[:feedback_at] if feedback_at >= 0 else raw
    return _Answer(mark, weight, _text(text), _text(feedback))


# ---------------------------------------------------------------- text and escapes


def _text(raw: str) -> str:
    """A choice, feedback or general feedback, unescaped and without a format prefix."""
    # Choices are often indented under the question; the indentation is layout, not content.
    return _unescape(_dedent_lines(_without_format(raw)).strip())


def _dedent_lines(raw: str) -> str:
    """Spaces and tabs around each line break removed, in one pass over the text.

    (A regular expression for "blanks, line break, blanks" rescans a long run of spaces
    from every position in it: quadratic time on a line of spaces.)
    """
    lines = raw.split("\n")
    if len(lines) == 1:
        return raw
    first, *middle, last = lines
    inner = [line.strip(" \t") for line in middle]
    return "\n".join([first.rstrip(" \t"), *inner, last.lstrip(" \t")])


def _without_format(raw: str) -> str:
    """The text without a leading [markdown], [html], [plain] or [moodle]; html stays as-is."""
    match = _FORMAT.match(raw)
    return raw[match.end() :].lstrip() if match else raw.lstrip()


def _unescape(raw: str) -> str:
    # An unknown escape such as \d stays as written, backslash included.
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(0)), raw)


@cache
def _token(targets: tuple[str, ...]) -> re.Pattern[str]:
    # Escaped pairs are matched first, so a target right after a backslash is never found.
    return re.compile(r"\\.|" + "|".join(re.escape(t) for t in targets), re.DOTALL)


def _find_all(raw: str, *targets: str) -> list[int]:
    """Where each unescaped target starts."""
    return [m.start() for m in _token(targets).finditer(raw) if not m.group().startswith("\\")]


def _find(raw: str, *targets: str, start: int = 0) -> int:
    """Where the first unescaped target starts, or -1."""
    for match in _token(targets).finditer(raw, start):
        if not match.group().startswith("\\"):
            return match.start()
    return -1
