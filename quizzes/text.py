"""Invisible control characters: the one rule for text arriving from outside.

PostgreSQL refuses NUL in text and in query parameters, and no other control
character (tab, newline and carriage return apart) belongs in a question, a
search box or a file name. Pure Python, shared by the request edge, the bank
format and the importers.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """The text without control characters (tab, newline and carriage return are kept)."""
    return CONTROL.sub("", text)


def control_lines(text: str, limit: int = 5) -> list[tuple[int, str]]:
    """(1-based line, code point) of the first few control characters in ``text``."""
    found = []
    for match in CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append((line, f"U+{ord(match.group()):04X}"))
        if len(found) >= limit:
            break
    return found


def shorten(value: object, limit: int = 60) -> str:
    """A repr of ``value`` cut to ``limit`` characters, for error messages that echo input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
