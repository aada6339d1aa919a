"""Request parameters of the search routes: parsed, validated and turned back into URLs.

Every bit of search state lives in the URL (q, institution, year, theme, within, sort, sentence, page, per_page,
expand), so a result page can be bookmarked and cited. Bad values raise BadParameter, or the library's SearchArgumentError
for filter values (the rules in indexer/limits.py): a 400 with a message for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from indexer.errors import BadRequest
from indexer.limits import (
    DEFAULT_PER_PAGE,
    DEFAULT_SUGGESTIONS,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_REQUEST_QUERY_CHARS,
    MAX_SUGGESTIONS,
    MAX_WITHIN_TERMS,
    SORTS,
    check_filter_values,
    parse_year_span,
    year_label,
)
from indexer.search.evaluation.facets import FACET_LABELS

_INT = re.compile(r"^\s*\d{1,9}\s*$")


class BadParameter(BadRequest):
    """A request parameter the routes refuse (a 400); the message is shown to the user (Chinese)."""


@dataclass(frozen=True)
class SearchParams:
    """The validated state of one search page."""

    q: str = ""
    institutions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    expand: bool = True  # False: the user's words only, no synonyms (expand=0 in the URL)
    within: tuple[str, ...] = ()  # 在结果中检索: required terms ANDed with q (within=…, repeated)
    sort: str = "relevance"  # one of SORTS (sort=newest|oldest in the URL)
    sentence: bool = False  # 同句 (sentence=1 in the URL)

    @property
    def has_filters(self) -> bool:
        """True when any facet value is selected."""
        return bool(self.institutions or self.years or self.themes)

    def selected(self, facet: str) -> tuple[str, ...]:
        """The selected values of one facet ("institution", "year" or "theme")."""
        return {"institution": self.institutions, "year": self.years, "theme": self.themes}[facet]

    def engine_kwargs(self) -> dict:
        """Keyword arguments for indexer.search.engine.search (besides store and q)."""
        return {
            "institutions": list(self.institutions),
            "years": list(self.years),
            "themes": list(self.themes),
            "page": self.page,
            "per_page": self.per_page,
            "expand": self.expand,
            "sort": self.sort,
            "sentence": self.sentence,
            "within": list(self.within),
        }

    def pairs(self, *, page: int | None = None) -> list[tuple[str, str]]:
        """Query-string pairs for this state (defaults left out so URLs stay short)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("institution", v) for v in self.institutions]
        out += [("year", v) for v in self.years]
        out += [("theme", v) for v in self.themes]
        out += [("within", v) for v in self.within]
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.sentence:
            out.append(("sentence", "1"))
        page = self.page if page is None else page
        if page != 1:
            out.append(("page", str(page)))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        if not self.expand:
            out.append(("expand", "0"))
        return out

    def query_string(self, *, page: int | None = None) -> str:
        """The URL query string ("" or "?…") for this state."""
        pairs = self.pairs(page=page)
        return "?" + urlencode(pairs) if pairs else ""

    def toggled(self, facet: str, value: str) -> SearchParams:
        """This state with one facet value added or removed, back on page 1."""
        current = self.selected(facet)
        values = tuple(v for v in current if v != value) if value in current else current + (value,)
        key = {"institution": "institutions", "year": "years", "theme": "themes"}[facet]
        changes: dict[str, tuple[str, ...]] = {key: values}
        return replace(self, page=1, **changes)  # type: ignore[arg-type]  # key is one of the three tuple fields

    def with_expand(self, expand: bool) -> SearchParams:
        """This state with synonym expansion on or off, back on page 1."""
        return replace(self, expand=expand, page=1)

    def without_filters(self) -> SearchParams:
        """This state with every facet value removed."""
        return replace(self, institutions=(), years=(), themes=(), page=1)

    def without_within(self, term: str) -> SearchParams:
        """This state with one within term removed (its chip's ×), back on page 1."""
        return replace(self, within=tuple(w for w in self.within if w != term), page=1)

    def with_sort(self, sort: str) -> SearchParams:
        """This state in another order, back on page 1."""
        return replace(self, sort=sort, page=1)


def _int_param(args: MultiDict, name: str, default: int, low: int, high: int, label: str) -> int:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not _INT.match(raw):
        raise BadParameter(f"{label}必须是 {low} 到 {high} 之间的整数（收到 {raw[:20]!r}）。")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(f"{label}必须是 {low} 到 {high} 之间的整数（收到 {value}）。")
    return value


def _values(args: MultiDict, facet: str) -> tuple[str, ...]:
    # empty checkboxes / repeated values are harmless; a year is spelt canonically (２０１９ is 2019)
    out = list(dict.fromkeys(v.strip() for v in args.getlist(facet) if v.strip()))
    check_filter_values(FACET_LABELS[facet], out)
    if facet == "year":
        out = [year_label(*parse_year_span(v)) for v in out]
    return tuple(dict.fromkeys(out))


def _query(args: MultiDict) -> str:
    q = args.get("q", "")
    if len(q) > MAX_REQUEST_QUERY_CHARS:
        raise BadParameter(f"查询过长：最多 {MAX_REQUEST_QUERY_CHARS} 个字符（收到 {len(q)} 个）。")
    return q


def _within(args: MultiDict) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(" ".join(v.split()) for v in args.getlist("within") if v.strip()))
    if len(out) > MAX_WITHIN_TERMS:
        raise BadParameter(f"在结果中检索最多 {MAX_WITHIN_TERMS} 个词（收到 {len(out)} 个）。")
    check_filter_values("在结果中检索", out)
    return out


def _sort(args: MultiDict) -> str:
    raw = (args.get("sort") or "relevance").strip() or "relevance"
    if raw not in SORTS:
        raise BadParameter(f"排序方式必须是 {'、'.join(SORTS)} 之一（收到 {raw[:20]!r}）。")
    return raw


def flag_param(raw: str | None) -> bool:
    """sentence=1 (or true/yes/on) turns an option on; absent, empty or anything else leaves it off."""
    return raw is not None and raw.strip().lower() in ("1", "true", "yes", "on")


def parse_search_args(args: MultiDict) -> SearchParams:
    """Validate the search parameters of a request; raise BadParameter with a message for the user."""
    q = _query(args)
    return SearchParams(
        q=q.strip(),
        institutions=_values(args, "institution"),
        years=_values(args, "year"),
        themes=_values(args, "theme"),
        page=_int_param(args, "page", 1, 1, MAX_PAGE, "页码"),
        per_page=_int_param(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, "每页条数"),
        expand=expand_param(args.get("expand")),
        within=_within(args),
        sort=_sort(args),
        sentence=flag_param(args.get("sentence")),
    )


def parse_suggest_args(args: MultiDict) -> tuple[str, int]:
    """(q, limit) of /api/suggest; raise BadParameter for a q too long or a limit out of range."""
    return _query(args), _int_param(args, "limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS, "建议条数")


def expand_param(raw: str | None) -> bool:
    """expand=0 (or false/no/off) turns synonym expansion off; absent or anything else leaves it on."""
    return raw is None or raw.strip().lower() not in ("0", "false", "no", "off")
