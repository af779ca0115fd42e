"""Safe rendering of question texts (Markdown subset, sanitised)."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# A line break between two CJK characters is not a space in Japanese text.
_CJK_BREAK = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])\n(?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])"
)


@lru_cache(maxsize=8192)  # question texts are immutable per version: render each once
def render_markdown(text: str) -> str:
    """Markdown to HTML with every tag, attribute and URL scheme outside a small list removed."""
    if not text:
        return ""
    text = _CJK_BREAK.sub("", text)
    html = markdown.markdown(text, extensions=["fenced_code", "sane_lists", "tables"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
