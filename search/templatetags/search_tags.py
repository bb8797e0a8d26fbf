"""The reading view's find box: which paragraphs of the edition match `?find=`, and which of
them `?match=n` is at, for the links that step between them."""

from dataclasses import dataclass, field

from django import template

from search.query import ParsedQuery, parse_query
from search.selectors import paragraphs_matching

register = template.Library()

FIND_MAX_LENGTH = 200
# Parameters of the find box itself; all others (the annotation filters, an assignment, the
# heat map, the citation style) are carried along when it is submitted.
OWN_PARAMETERS = {"find", "match", "annotation"}


@dataclass
class FindResult:
    text: str = ""
    query: ParsedQuery | None = None
    matches: list[str] = field(default_factory=list)
    current: int = 0  # 1-based; 0 before the reader stepped to a match
    keep: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.matches)

    @property
    def next_number(self) -> int:
        """After the last match (or before any), the first."""
        return 1 if self.current >= self.total else self.current + 1

    @property
    def previous_number(self) -> int:
        """Before the first match (or before any), the last."""
        return self.total if self.current <= 1 else self.current - 1

    @property
    def next_id(self) -> str:
        return self.matches[self.next_number - 1] if self.total else ""

    @property
    def previous_id(self) -> str:
        return self.matches[self.previous_number - 1] if self.total else ""

    @property
    def links(self) -> list[tuple[int, str, int]]:
        """(match number, paragraph ID, paragraph number) for each match."""
        return [(n, pid, int(pid[1:])) for n, pid in enumerate(self.matches, start=1)]


@register.simple_tag(takes_context=True)
def find_in_text(context) -> FindResult:
    """Run `?find=` over the edition's text (one query, none without `?find=`) and flag the
    matching paragraphs of `turns` with `find_match`."""
    request = context["request"]
    keep = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in OWN_PARAMETERS
        for value in values
    ]
    text = " ".join(request.GET.get("find", "").split())[:FIND_MAX_LENGTH]
    result = FindResult(text=text, keep=keep)
    if not text:
        return result
    result.query = parse_query(text)
    if result.query.is_runnable:
        result.matches = paragraphs_matching(context["edition"], result.query)
    try:
        current = int(request.GET.get("match", ""))
    except ValueError:
        current = 0
    result.current = current if 1 <= current <= result.total else 0
    matched = set(result.matches)
    for view in context.get("turns", ()):
        for paragraph in view.paragraphs:
            paragraph.find_match = paragraph.public_id in matched
    return result
