"""Every value and limit the library, the CLI and the web app share, and the one parser of year values.

Each number is written here once; the web parameters, the engine, the CLI, the query language, the catalog
and metadata detection import it from here (docs/reliability.md "Limits" documents them).

Year values (a filter `--year`/`year=`, a `year:` term in a query, a catalog `year = "…"`) have one syntax:
`2019`, `2017-2021`, and the same with full-width digits or dashes (`２０１９`, `2017－2021`), with `–`, `—`,
`~`, `～` or `至` between the years, spaces around it and an optional trailing `年` (`2017至2021年`). A range
may span at most MAX_YEAR_SPAN years.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from indexer.errors import BadRequest

# --- a search request (web parameters, engine arguments, CLI options) -------------------------------------
MAX_REQUEST_QUERY_CHARS = 10_000  # beyond this a request's q is refused (400); shorter ones are searched
MAX_REPORT_QUERY_CHARS = 1_000  # the report view's ?q= is cut to this many characters (it only marks words)
MAX_PAGE = 1_000  # web requests: deep pages cost collecting page*per_page hits (the engine answers an empty page)
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_FILTER_VALUES = 20  # per facet: a person ticks a handful; 20 keeps a URL (and the set algebra) small
MAX_FILTER_CHARS = 100  # per value: the longest institution name is ~20 characters
MAX_WITHIN_TERMS = 10  # 在结果中检索: required terms added to one search (each at most MAX_FILTER_CHARS)
SORTS = ("relevance", "newest", "oldest")  # 相关度 / 最新 / 最早 (indexer/search/scoring/order.py): page, API, CLI
FEED_ENTRIES = 20  # /feed.atom lists this many paragraphs unless per_page says otherwise (at most MAX_PER_PAGE)
MAX_TREND_TERMS = 5  # queries compared on one trend chart (five lines stay readable)
EXPORT_MAX_ROWS = 1_000  # /export.csv writes at most this many hits (ranked, best first)
MAX_FIGURE_ROWS = 2_000  # figure rows /api/figures and the /figures page answer (the CLI has no cap); `truncated` says so
MAX_REPORT_FIGURES = 1_000  # figures listed in a report page's 数据 panel

# --- completions of the search box (indexer/search/features/suggest.py, /api/suggest) --------------------------------
DEFAULT_SUGGESTIONS = 8
MAX_SUGGESTIONS = 20  # a list longer than a phone screen helps nobody

# --- the web server (waitress and Flask) --------------------------------------------------------------------
MAX_REQUEST_BODY_BYTES = 64 * 1024  # nothing is uploaded; larger bodies are refused early
MAX_REQUEST_HEADER_BYTES = 256 * 1024  # request line + headers; larger → 431 from waitress, app untouched
CONNECTION_LIMIT = 200  # open connections per server process; more wait in the kernel's queue until one closes
REQUEST_RECEIVE_SECONDS = 10  # a request (line, headers, body) must arrive within this of its first byte (slowloris)
IDLE_CONNECTION_SECONDS = 30  # a keep-alive connection with nothing to do is closed after this

# --- the query language (indexer/search/language/query.py): bounds on the cost of one query -----------------------
MAX_QUERY_CHARS = 256  # longer input is cut to its first 256 characters
MAX_TERMS = 32  # words, phrases, filters used; the rest are dropped
MAX_DEPTH = 8  # parentheses nested deeper are ignored (their content kept as plain terms)
MAX_NEAR_DISTANCE = 200  # `A NEAR/n B`: a larger n is cut to this (a paragraph is ~200 characters)
DEFAULT_NEAR_DISTANCE = 10  # a bare `A NEAR B`

# --- years -------------------------------------------------------------------------------------------------
MAX_YEAR_SPAN = 50  # a wider range is refused (a filter: 400 / exit 2; in a query: searched as text)
MIN_CATALOG_YEAR, MAX_CATALOG_YEAR = 1949, 2100  # a catalog year outside is a typo
YEAR_RANGE_DASHES = "-–—~～至"  # between the two years of a range (after NFKC folding: － is -)
YEAR_DASH = "[" + re.escape(YEAR_RANGE_DASHES) + "]"  # the regex class of YEAR_RANGE_DASHES

# --- report ids (indexer/report_ids.py) ---------------------------------------------------------------------
MAX_REPORT_ID_CHARS = 255  # a file name's stem is at most 255 bytes on Linux: every real name fits

# --- ingest --------------------------------------------------------------------------------------------------
MAX_FILE_BYTES = 20 * 2**20  # a corpus file larger than this is skipped with a message (split it)
# Documents are untrusted (indexer/ingest/formats): beyond any of these the file is skipped with the reason.
MAX_UNZIPPED_BYTES = 64 * 2**20  # what a .docx may inflate to (every part read), against zip bombs
MAX_XML_ELEMENTS = 1_000_000  # elements in one .docx part (a long report has ~100,000); each costs ~300 bytes parsed
MAX_PDF_PAGES = 2_000
MAX_PDF_PAGE_CHARS = 20_000  # characters on one PDF page (a full page of a report has about 1,500)
MAX_TEXT_CHARS = 8 * 2**20  # characters of text one file may yield
# A section heading, a paragraph's lead and a detected title are cut to this, and a detected institution name
# longer than it is ignored: every paragraph carries a copy of them into the index (the longest real ones: ~50).
MAX_HEADING_CHARS = 200
PARSER_MAX_MEMORY = 1536 * 2**20  # address space a document-parsing child may add to what it inherits
PARSER_MAX_CPU_SECONDS = 120  # CPU seconds a document-parsing child may use
DOC_CONVERTER_SECONDS = 60.0  # wall time for one .doc conversion (LibreOffice or antiword)
# Scanned reports (indexer/ingest/ocr, docs/ocr.md): read page by page in the same child, each page under its own budget.
MAX_OCR_PAGES = 300  # pages of one file that are OCR'd; a file with more scanned pages is refused (max_ocr_pages)
MAX_IMAGE_PIXELS = 60_000_000  # one page image: A4 at 600 dpi is 34.8 M pixels; a header declaring more is refused
OCR_PAGE_SECONDS = 30  # CPU seconds one page may take to OCR (a report page takes 2–4 s) (ocr_page_seconds)
# A reindex deletes cached OCR pages of files the corpus no longer has once they are this old (unused: a hit
# renews them), so a scan refused by `add` (no institution detected) is not read again when added with one.
OCR_CACHE_KEEP_DAYS = 30

# --- figures (indexer/figures): bounds that keep extraction linear on any paragraph -------------------------
MAX_QUOTE_CHARS = 80  # a quotation longer than this (or left open) is not a name: numbers in it may be figures
MAX_METRIC_CHARS = 60  # a metric phrase reads at most this far from its number (either side)
MAX_FIGURE_SENTENCE_CHARS = 400  # a longer sentence is stored as the part around the figure, this long
MAX_NUMERAL_CHARS = 24  # a numeral written longer (digits, Chinese numerals) is an id or noise, not a statistic

_YEAR_VALUE = re.compile(rf"^([0-9]{{4}})(?:\s*{YEAR_DASH}\s*([0-9]{{4}}))?\s*年?$")


class SearchArgumentError(BadRequest):
    """A bad page / per_page / filter value of a search: the message is for the user (Chinese)."""


class YearError(SearchArgumentError):
    """A year value that is not `2019` / `2017-2021`, ends before it starts, or spans too many years."""


def page_count(total: int, per_page: int) -> int:
    """How many result pages `total` hits fill, at least 1 (an empty result still has its page)."""
    return max(1, -(-total // per_page))


def check_filter_values(label: str, values: Sequence[str]) -> None:
    """SearchArgumentError when one facet has more than MAX_FILTER_VALUES values or one too long a value."""
    if any(len(v) > MAX_FILTER_CHARS for v in values):
        raise SearchArgumentError(f"{label}筛选值过长（上限 {MAX_FILTER_CHARS} 字）。")
    if len(values) > MAX_FILTER_VALUES:
        raise SearchArgumentError(f"{label}最多可同时选择 {MAX_FILTER_VALUES} 项。")


def parse_year_span(value: object, *, ordered: bool = True) -> tuple[int, int]:
    """`2019` → (2019, 2019), `2017至2021` → (2017, 2021); YearError (Chinese message) otherwise.

    ordered=False accepts a reversed range (`2021-2017` → (2017, 2021)): the query language is forgiving,
    a filter parameter is not.
    """
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
    m = _YEAR_VALUE.match(text)
    if not m:
        raise YearError(f"年份应写成 2019 或 2017-2021 的形式（收到 {str(value)[:20]!r}）。")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        if ordered:
            raise YearError(f"年份范围 {text[:20]} 的结束年早于开始年：请写作 {last}-{first}。")
        first, last = last, first
    if last - first > MAX_YEAR_SPAN:
        raise YearError(f"年份范围 {text[:20]} 超过 {MAX_YEAR_SPAN} 年。")
    return first, last


def year_label(first: int, last: int) -> str:
    """The canonical spelling of a year value: `2019` or `2017-2021`."""
    return str(first) if first == last else f"{first}-{last}"


def title_years(first: int, last: int) -> str:
    """The years as a Chinese report title writes them (`2019年`, `2017—2021年`: "…工作回顾（2017—2021年）"), prose
    a reader sees in a title; year_label is the value the CLI, URLs and catalog.toml's `year` take."""
    return f"{first}年" if first == last else f"{first}—{last}年"
