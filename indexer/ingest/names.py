"""Official institution names in text (最高人民法院, 浙江省高级人民法院, 嘉兴市平湖市人民检察院…), in linear time.

The rule: 最高人民法院/最高人民检察院, or one or more region segments — 2 to 7 Chinese characters, shortest
first, then a region word (省 自治区 市 自治州 州 地区 盟 县 自治县 区 旗) — followed by a court:
(高级|中级)?人民法院/人民检察院, or 海事/知识产权/金融/互联网/铁路运输法院. As a regex that is
`(?:[\u4e00-\u9fff]{2,7}?(?:省|…))+(?:…)`: region words are Chinese characters too, so a run like
"市市市…" can be cut into segments in exponentially many ways, and a backtracking engine tries them all
when no court follows (48 × 市 took 13.8 s, each more 市 ×1.3). Here the same rule is evaluated by dynamic
programming over the positions of a run of Chinese characters, right to left: best[q] is the end of the
name the regex would have found from q after at least one segment (segments first, longest repetition
first, shortest segment first; then the court), so every answer is the regex's answer, in time linear in
the text (tests/ingest/test_names.py compares the two on random short strings of a hostile alphabet and on
every name bench/places.py yields). is_institution_line (layout: such a line is a caption, not a heading)
checks its own, simpler rule the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

MIN_PREFIX, MAX_PREFIX = 2, 7  # Chinese characters before a region word
REGIONS = ("省", "自治区", "市", "自治州", "州", "地区", "盟", "县", "自治县", "区", "旗")  # in the rule's order
TOP = ("最高人民法院", "最高人民检察院")
SPECIAL_COURTS = ("海事", "知识产权", "金融", "互联网", "铁路运输")
BOUNDARY = "，,。：:、；;“”\"《》（）()【】#*"  # (or whitespace, or the start) before a name found in running text
_RUN = re.compile(r"[\u4e00-\u9fff]+")
_REGION_BY_FIRST = {first: tuple(w for w in REGIONS if w[0] == first) for first in {w[0] for w in REGIONS}}
_BYLINE_TAIL = re.compile(r"\s*(?:代理|代|常务副)?(?:院长|检察长)")

# An institution-only line ("嘉兴市中级人民法院 平湖市人民法院"): pieces of 2–16 Chinese characters, each ending in
# one of COURT_WORDS, optionally followed by spaces. Checked by is_institution_line (a regex with a repeated group
# over characters that the court words also match would backtrack exponentially).
COURT_WORDS = ("人民法院", "人民检察院", "法院", "检察院", "人民法庭", "法庭")
INSTITUTION_PREFIX = (2, 16)

Accept = Callable[[int], bool]  # may a name end here (the rest of the caller's pattern matches after it)?


def _always(_end: int) -> bool:
    return True


def _court(text: str, q: int, accept: Accept) -> int | None:
    """End of the court words at q (the rule's order), if accept() takes it."""
    for level in ("高级", "中级"):
        if text.startswith(level, q):
            end = _people(text, q + 2)
            if end is not None and accept(end):
                return end
    end = _people(text, q)
    if end is not None and accept(end):
        return end
    for special in SPECIAL_COURTS:
        if text.startswith(special + "法院", q) and accept(q + len(special) + 2):
            return q + len(special) + 2
    return None


def _people(text: str, q: int) -> int | None:
    if text.startswith("人民法院", q):
        return q + 4
    return q + 5 if text.startswith("人民检察院", q) else None


def _segment_ends(text: str, q: int, run_end: int) -> Iterator[int]:
    """Ends of the region segments starting at q, shortest prefix first (at most one region word fits each)."""
    for p in range(q + MIN_PREFIX, min(q + MAX_PREFIX, run_end - 1) + 1):
        for word in _REGION_BY_FIRST.get(text[p], ()):
            if text.startswith(word, p):
                yield p + len(word)
                break


def _names_in_run(text: str, run_end: int, starts: list[int], accept: Accept) -> dict[int, int]:
    """For each start (inside one run of Chinese characters ending at run_end): the end of its name, if any."""
    lowest = min(starts)
    if text.find("法院", lowest, run_end) < 0 and text.find("检察院", lowest, run_end) < 0:
        return {}  # every name ends in 法院 or 检察院
    best: list[int | None] = [None] * (run_end - lowest + 1)  # best[q - lowest], after ≥ 1 segment
    wanted = set(starts)
    found: dict[int, int] = {}
    for q in range(run_end - 1, lowest - 1, -1):
        after_segments = next((b for e in _segment_ends(text, q, run_end) if (b := best[e - lowest]) is not None), None)
        if q in wanted:
            top = next((q + len(t) for t in TOP if text.startswith(t, q) and accept(q + len(t))), None)
            end = top if top is not None else after_segments
            if end is not None:
                found[q] = end
        best[q - lowest] = after_segments if after_segments is not None else _court(text, q, accept)
    return found


def _first_names(text: str, starts: list[int], accept: Accept = _always) -> dict[int, int]:
    """{start: end of the name starting there} for the starts (increasing) where a name starts."""
    found: dict[int, int] = {}
    i = 0
    while i < len(starts):
        run = _RUN.match(text, starts[i])
        if run is None:
            i += 1
            continue
        j = i
        while j < len(starts) and starts[j] < run.end():
            j += 1
        found.update(_names_in_run(text, run.end(), starts[i:j], accept))
        i = j
    return found


def _after_boundary(text: str) -> list[int]:
    """Where a name may start in running text: at the start, or after whitespace or punctuation (then a run starts)."""
    return [m.start() for m in _RUN.finditer(text) if m.start() == 0 or text[m.start() - 1].isspace() or text[m.start() - 1] in BOUNDARY]


def find_all(text: str) -> list[str]:
    """Every name in running text, in order (each at the start or after whitespace/punctuation)."""
    return [text[s:e] for s, e in sorted(_first_names(text, _after_boundary(text)).items())]


def find_first(text: str) -> str | None:
    """The first name in running text, or None."""
    names = find_all(text)  # linear anyway; the first run holding a name usually comes early
    return names[0] if names else None


def starts_with_name(text: str) -> bool:
    """True when the text begins with a name."""
    return bool(text) and 0 in _first_names(text, [0])


def is_name(text: str) -> bool:
    """True when the whole text is one name."""
    return bool(text) and _first_names(text, [0], lambda end: end == len(text)).get(0) == len(text)


def speaker(text: str) -> str | None:
    """The name in the first "我代表<name>" ("现在，我代表平湖市人民法院向大会报告工作")."""
    starts = []
    at = text.find("我代表")
    while at >= 0:
        s = at + 3
        while s < len(text) and text[s].isspace():
            s += 1
        starts.append(s)
        at = text.find("我代表", at + 1)
    found = _first_names(text, sorted(set(starts)))
    first = next((s for s in starts if s in found), None)  # starts are in the order of their 我代表
    return text[first:found[first]] if first is not None else None


def byline(line: str) -> str | None:
    """The name in a byline ("平湖市人民法院院长　张明", "…代理检察长…") at the start of a line."""
    s = len(line) - len(line.lstrip())
    found = _first_names(line, [s], lambda end: _BYLINE_TAIL.match(line, end) is not None)
    return line[s:found[s]] if s in found else None


def is_institution_line(text: str) -> bool:
    """True for a line of institution names only (see COURT_WORDS): each space-separated token is such pieces."""
    if not text or text[0].isspace():
        return False
    low, high = INSTITUTION_PREFIX
    for token in text.split():
        if not re.fullmatch(r"[\u4e00-\u9fff]+", token):
            return False
        ok = [True] + [False] * len(token)  # ok[i]: token[:i] is whole pieces
        reach = [1] + [0] * len(token)  # reach[i]: how many of ok[:i+1] are True (window sums)
        for end in range(1, len(token) + 1):
            for word in COURT_WORDS:
                start = end - len(word) - high, end - len(word) - low  # where the piece may begin
                if start[1] >= 0 and token.endswith(word, 0, end):
                    first = max(0, start[0])
                    if reach[start[1]] - (reach[first - 1] if first else 0) > 0:
                        ok[end] = True
                        break
            reach[end] = reach[end - 1] + ok[end]
        if not ok[-1]:
            return False
    return True
