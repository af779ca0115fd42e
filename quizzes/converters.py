"""URL converters: a path segment that cannot name an exam or a question never reaches a query."""

from __future__ import annotations


class ExamCodeConverter:
    regex = r"[A-Za-z0-9][A-Za-z0-9-]{0,19}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class QuestionKeyConverter(ExamCodeConverter):
    # The bank format's key rule (quizzes.bankfile.KEY_RE).
    regex = r"[a-z0-9][a-z0-9._-]{2,79}"


class ExportFormatConverter(ExamCodeConverter):
    regex = r"yaml|csv"
