"""Paragraph text → figures: which numbers are statistics, of what metric, as values or changes.

Sentences are the text between 。！？； (the reports use ASCII ',' inside sentences), clauses the text
between ，,：: — and after a figure followed by 、 (发送督促化解函9件、司法建议12条). A number's metric is the
clause text before it (back to the previous number), completed by the words after its unit
(18条司法意见) and, when the clause names nothing, taken from the sentence: the figure it follows
(143件864人), the figures a change refers to (…2491件3743人，同比下降28.99%和29.89%), the rate the
sentence names, or the list it distributes over (A、B各1人, “A”“B”均位居全省第一).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.figures import phrases as ph
from indexer.figures.metrics import MetricTable
from indexer.figures.model import CHANGE, VALUE, Figure
from indexer.figures.numbers import APPROX_AFTER, NO_NAMES, NameIndex, Number, half_width, scan_numbers
from indexer.figures.years import baseline_years, figure_years, has_dates
from indexer.limits import MAX_FIGURE_SENTENCE_CHARS
from indexer.model import Paragraph

SENTENCE_MARKS = "。！？；!?;"
JOINS = frozenset({"和", "、", "及", "与", "以及"})  # between the numbers of one list (同比下降28.99%和29.89%)
SENTENCE_END = re.compile(f"[{SENTENCE_MARKS}]")
CLAUSE_MARK = re.compile(r"[，,：:]")
CANDIDATE = (None, "ordinal")  # Number.skip values that may still be figures
TWO_CHARACTER_RATE = re.compile(r"[\u4e00-\u9fff]{2}率")  # 审结率 after 审结…案件143件
UNIT_COUNTS = {"件": "件数", "人": "人数"}  # the 件 and 人 halves of one statistic (2491件3743人)


@dataclass(slots=True)
class Found:
    """A figure as the text gives it, before the paragraph's report, institution and canonical metric are added."""

    start: int
    end: int
    sentence: tuple[int, int]
    metric: str
    value: int | float
    unit: str
    kind: str = VALUE
    direction: str | None = None
    approx: str | None = None
    respectively: bool = False
    baseline: str | None = None
    years: tuple[int, ...] = ()
    baseline_years: tuple[int, ...] = ()
    clause: tuple[int, int] = (0, 0)
    pair: bool = field(default=False, repr=False)  # a change naming no metric: it refers to earlier figures
    sibling: bool = field(default=False, repr=False)  # joined to the figure before by 和/、/及 (one list of numbers)
    distribute: bool = field(default=False, repr=False)  # 分别: its list's numbers go to the items of its metric


def find_figures(text: str, report_years: Sequence[int], rate_units: dict[str, str] | None = None,
                 names: NameIndex = NO_NAMES) -> list[Found]:
    """Every figure of one paragraph, in text order (a 分别/各 construction gives one per metric)."""
    t = half_width(text)
    numbers = [n for n in scan_numbers(t, names) if n.skip in CANDIDATE]
    if not numbers:
        return []
    out: list[Found] = []
    marks = [m.start() for m in SENTENCE_END.finditer(t)]  # one pass; each sentence is then found by bisection
    i, previous_end = 0, 0
    years, rates = tuple(report_years), rate_units or {}
    while i < len(numbers):  # only the sentences with numbers, each found from its first number
        at = numbers[i].start
        k = bisect_left(marks, at)  # marks[k-1] < at <= marks[k]
        start = marks[k - 1] + 1 if k and marks[k - 1] >= previous_end else previous_end
        end = marks[k] if k < len(marks) else len(t)
        batch = []
        while i < len(numbers) and numbers[i].start < end:
            batch.append(numbers[i])
            i += 1
        out.extend(_Sentence(t, start, end, batch, years, rates).figures())
        previous_end = end
    return out


def sentence_span(t: str, start: int, end: int, number: Number) -> tuple[int, int]:
    """The stored sentence t[start:end] (already trimmed), or MAX_FIGURE_SENTENCE_CHARS of it around the number."""
    if end - start <= MAX_FIGURE_SENTENCE_CHARS:
        return start, end
    lo = max(start, min(number.start - MAX_FIGURE_SENTENCE_CHARS // 2, end - MAX_FIGURE_SENTENCE_CHARS))
    return lo, min(end, lo + MAX_FIGURE_SENTENCE_CHARS)


def _trimmed(t: str, start: int, end: int) -> tuple[int, int]:
    """start, end moved past surrounding whitespace."""
    if not t[start].isspace() and not t[end - 1].isspace():
        return start, end  # most sentences: nothing to strip, no copy of the sentence
    inner = t[start:end]
    left = len(inner) - len(inner.lstrip())
    return start + left, start + len(inner.rstrip())


class _Sentence:
    """The figures of one sentence: its numbers read left to right, each with what came before it."""

    __slots__ = ("t", "start", "end", "numbers", "report_years", "rate_units", "starts", "clauses", "found",
                 "clause_has_figure", "last_in", "stored", "short", "dated", "whole", "marked")

    def __init__(self, t: str, start: int, end: int, numbers: list[Number], years: tuple[int, ...],
                 rate_units: dict[str, str]) -> None:
        self.t, self.start, self.end, self.numbers = t, start, end, numbers
        self.report_years, self.rate_units = years, rate_units
        marks = [m.start() for m in CLAUSE_MARK.finditer(t, start, end)]  # in order, all inside [start, end)
        if t.find("、", start, end) >= 0:  # a number followed by 、 ends a clause too
            if listed := [n.end for n in numbers if t.startswith("、", n.end)]:
                marks = sorted({*marks, *listed})
        if marks and marks[0] == start:
            del marks[0]  # a mark opening the sentence opens no clause
        if marks:
            self.starts = [start, *[m + 1 for m in marks]]  # for clause_of's bisection
            self.clauses = list(zip(self.starts, [*marks, end]))
        else:
            self.starts, self.clauses = [start], [(start, end)]
        self.found: list[Found] = []
        self.clause_has_figure: set[int] = set()
        self.last_in: dict[int, Found] = {}  # clause → its latest figure
        self.stored = _trimmed(t, start, end)  # the sentence as figures store it
        self.short = self.stored[1] - self.stored[0] <= MAX_FIGURE_SENTENCE_CHARS  # stored whole for every figure
        self.dated = has_dates(t, start, end)  # else every figure has the report's years
        self.whole: tuple[str, int] | None = None  # the metric a 其中 list names parts of, and its latest clause
        self.marked = False  # some figure asks for the 分别 or the pair pass

    def clause_of(self, pos: int) -> int:
        """Index of the clause holding pos (the last clause starting at or before it; the first when none does)."""
        k = bisect_right(self.starts, pos) - 1
        return k if k > 0 else 0

    def figures(self) -> list[Found]:
        """Read every number of the sentence; then give changes that name no metric the figures they refer to."""
        prev: Number | None = None
        numbers, clauses, found, last_in = self.numbers, self.clauses, self.found, self.last_in
        starts = self.starts if len(clauses) > 1 else None
        nexts = [n.start for n in numbers[1:]] + [self.end]
        for n, nxt in zip(numbers, nexts):
            c = bisect_right(starts, n.start) - 1 if starts is not None else 0  # clause_of inline (starts[0] <= n.start)
            lo, hi = clauses[c]
            floor = prev.end if prev is not None and prev.end > lo else lo
            made = self.read(n, c, floor, hi if hi < nxt else nxt, prev)
            if made:
                self.clause_has_figure.add(c)
                found.extend(made)
                last_in[c] = made[-1]
                prev = n  # a number that states nothing (第四季度, 十大典型案例) stays part of the words around it
        # Both passes change nothing unless some figure asks for them (most sentences: none does); they update
        # figures in place, reading done: nothing that saw a figure's earlier metric looks at it again.
        if self.marked:
            self.distribute()
            self.pair_changes()
        return [f for f in found if f.metric]

    def distribute(self) -> None:
        """分别: the numbers of one list go to the items of the metric in order (A、B分别下降x%和y%)."""
        k = 0
        while k < len(self.found):
            first = self.found[k]
            end = k
            while end + 1 < len(self.found) and self.found[end + 1].sibling:
                end += 1
            if first.distribute and not first.pair and end > k:
                items = ph.split_items(first.metric, end - k + 1)
                for j, item in enumerate(items or []):
                    self.found[k + j].metric, self.found[k + j].respectively = item, True
            k = end + 1

    def read(self, n: Number, c: int, floor: int, ceiling: int, prev: Number | None) -> list[Found]:
        """The figure(s) number n states, [] when it is none."""
        t = self.t
        before = ph.window_before(t, n.approx_start, floor)
        found = self.found
        if n.ordinal:
            return self.ranking(n, c, before, ceiling)
        if n.surface == "大" and ph.enumerated(before) != n.value:
            return []  # 十大典型案例, 八大行动: a name unless it counts the list right before it
        last = found[-1] if found else None
        sibling = (prev is not None and last is not None and last.end == prev.end
                   and t[prev.end:n.approx_start] in JOINS)  # 上升1.88%和1.96%, 增长8.8%、9.9%
        if sibling and last is not None and last.kind == CHANGE:
            return [self.make(n, c, last.metric, kind=CHANGE, direction=last.direction, baseline=last.baseline,
                              baseline_years=last.baseline_years, pair=last.pair, sibling=True)]
        unit = n.unit
        if not unit and not n.mult:
            pre = ph.clean_pre(before)
            if not ph.RATE_NAME.search(pre):
                return []  # 12368热线, list markers, ids: a number without a unit is a figure only after a rate
            unit = self.rate_unit(pre)
        change = ph.CHANGE.search(before[-6:]) if before[-1:] in ph.CHANGE_LAST else None
        if change is not None:
            head, verb = before[: len(before) - len(change.group(0))], change.group("verb")
            post = self.post(n, ceiling)
            if post and verb not in ph.MORE_LESS:  # 增加500万沼气用户: a count of what follows, not a change
                return [self.make(n, c, self.complete(ph.clean_pre(head) + verb + post, unit, n, c), unit)]
            if verb not in ph.MORE_LESS or ph.BASELINE.search(head[-16:]):
                return [self.change(n, c, head, verb, unit)]
        return self.value(n, c, before, ceiling, prev, unit, sibling)

    def post(self, n: Number, ceiling: int) -> str:
        """The words after n's unit (and 以上/左右) up to the next number or the clause's end, as part of a metric."""
        tail = n.end + (len(n.approx) if n.approx in APPROX_AFTER and self.t.startswith(n.approx, n.end) else 0)
        post = ph.clean_post(ph.window_after(self.t, tail, ceiling))
        return "人口" + post if n.surface == "人口" else post  # 13亿人口: the unit is also what is counted

    def make(self, n: Number, c: int, metric: str, unit: str | None = None, *, kind: str = VALUE,
             direction: str | None = None, respectively: bool = False, baseline: str | None = None,
             baseline_years: tuple[int, ...] = (), pair: bool = False, sibling: bool = False,
             distribute: bool = False) -> Found:
        """A Found for number n in clause c (unit: when it is not the number's own, e.g. 名次 or a rate's %)."""
        clause = self.clauses[c]
        if pair or distribute:
            self.marked = True
        years = (figure_years(self.t, (self.start, self.end), clause[0], n.approx_start, n.end, self.report_years)
                 if self.dated else self.report_years)
        return Found(n.start, n.end, self.stored if self.short else sentence_span(self.t, *self.stored, n),
                     metric[: ph.MAX_METRIC_CHARS], n.value if n.value is not None else 0, n.unit if unit is None else unit,
                     kind, direction, n.approx, respectively, baseline, years, baseline_years, clause, pair, sibling,
                     distribute)  # positional, in Found's field order: cheaper than keywords, once per figure

    def change(self, n: Number, c: int, head: str, verb: str, unit: str) -> Found:
        """同比下降15.9%: a change of the metric named before the baseline, or of earlier figures."""
        direction = "up" if verb in ph.UP or verb == "多" else "down"
        raw = head
        base = ph.BASELINE.search(head[-16:])
        baseline: str | None = None
        years: tuple[int, ...] = ()
        if base is not None:
            baseline = base.group("base")
            head = head[: len(head) - len(base.group(0))]
            years = baseline_years(base.group("y1") or base.group("y2"), baseline, self.report_years)
        metric = ph.clean_pre(head)
        return self.make(n, c, metric, unit, kind=CHANGE, direction=direction, baseline=baseline, baseline_years=years,
                         pair=not metric, distribute="分别" in raw[-8:])

    def ranking(self, n: Number, c: int, before: str, ceiling: int) -> list[Found]:
        """位居全省第一 / 以第一名的成绩: a rank (unit 名次) of the subject before it."""
        if n.surface not in ("", "名", "位"):
            return []  # 第六个五年计划, 第五条: an ordinal with a unit is a name or a place in a list
        rank = ph.RANK.search(before[-12:])
        if rank is None and n.surface != "名":
            return []  # 第一批, 第五检察部, 第十一批: ordinals in names
        raw = before[: len(before) - len(rank.group(0))] if rank else before
        region = rank.group("region") if rank else ""
        each = raw.rstrip().endswith(("均", "都"))
        subject = ph.clean_pre(re.sub(r"(?:以|获得|取得|荣获|均|都)$", "", raw.rstrip()))
        if rank is None:  # 以第一名的成绩被命名为…品牌: what the rank is in follows it
            after = re.sub(r"^的?(?:成绩|名次|排名|身份)", "", ph.window_after(self.t, n.end, ceiling))
            subject += ph.clean_post(after)
        if not subject:
            subject = self.context(c) or ""
        items = ph.split_items(subject, subject.count("、") + subject.count("”“") + 1) if each else None
        if items and len(items) > 1:
            return [self.make(n, c, f"{item}{region}排名", "名次", respectively=True) for item in items]
        return [self.make(n, c, f"{subject}{region}排名", "名次")]

    def context(self, c: int) -> str | None:
        """What an empty subject refers to: the previous clause when it states no figure, else the last figure's metric."""
        k = c - 1
        while k >= 0 and k not in self.clause_has_figure:
            a, b = self.clauses[k]
            phrase = ph.clean_pre(self.t[max(a, b - ph.MAX_METRIC_CHARS):b])
            if phrase and not ph.QUALIFIER.match(phrase):
                return phrase
            if k < c - 3 or not phrase:
                break
            k -= 1  # 农村居民人均纯收入，考虑价格下降因素，比上年实际增长4·3%: past the qualifying clause
        return self.found[-1].metric if self.found else None

    def rate_unit(self, metric: str) -> str:
        """The unit of a number written bare after a rate: the metrics file's (万人成讼率 → 件/万人), else %, else ''."""
        for suffix, unit in self.rate_units.items():
            if metric.endswith(suffix):
                return unit
        return "%" if metric.endswith(("率", "比例", "占比")) else ""

    def value(self, n: Number, c: int, before: str, ceiling: int, prev: Number | None, unit: str,
              sibling: bool = False) -> list[Found]:
        """A value: its metric from the words before and after it, or from the sentence when they name nothing."""
        last_here = self.last_in.get(c)
        if prev is not None and before == "" and last_here is not None and last_here.end == prev.end:
            return [self.make(n, c, last_here.metric, unit, respectively=last_here.respectively)]  # 143件864人
        each = before.endswith("各")
        if last_here is not None and prev is not None and last_here.end == prev.end and "、" in before:
            before = before[before.rindex("、") + 1:]  # 551万人口全部脱贫、52个贫困县全部摘帽: a new item of the list
        pre = ph.clean_pre(before[:-1] if each else before)
        post = self.post(n, ceiling)
        pre = ph.without_preposition(pre)
        if each:
            items = ph.split_items(pre, pre.count("、") + pre.count("”“") + 1)
            if items and len(items) > 1:
                return [self.make(n, c, item, unit, respectively=True) for item in items]
        if post and (ph.strip_years(before).endswith("的") or ph.CONJUNCTION.search(pre)):
            metric = post  # 对…执法不公的1865件重点案件, 六条铁路新干线和五个重点港口: the counted noun follows
        else:
            metric = pre + post
        return [self.make(n, c, self.complete(metric, unit, n, c), unit, sibling=sibling,
                          distribute="分别" in before[-8:])]

    def complete(self, metric: str, unit: str, n: Number, c: int) -> str:
        """A metric phrase completed from the sentence when the clause alone does not say what is counted."""
        last = self.found[-1] if self.found else None
        if unit == "%" and not ph.RATE_WORD.search(ph.normalise_metric(metric)):
            rate = self.rate_before(c, n.start)
            if rate:
                return rate  # “…执结率”自2019年起连续3年实现100%
        if not metric:  # 三项排名全省第一 after a clause naming the indicators; 下降到2021年的736件
            if c not in self.clause_has_figure:
                return self.context(c) or ""
            return last.metric if last is not None else ""
        if last is not None:
            if len(metric) == 3 and TWO_CHARACTER_RATE.fullmatch(metric) and last.metric.startswith(metric[:2]):
                return last.metric[2:] + metric  # 审结涉黑恶案件143件, 审结率100% → 涉黑恶案件审结率
            if metric in ph.ATTRIBUTES:
                return last.metric + metric  # 审结…案件104件, 涉案金额1.09亿元
            whole = self.subset(metric, last, c)
            if whole:
                self.whole = (whole, c)
                return f"{whole}中{metric}"
        if not ph.is_bare_verb(metric):
            return metric
        if metric.startswith(("从严", "从快", "从重")) and last is not None:
            shared = ph.PARALLEL.match(last.metric)
            if shared:
                return metric + shared.group("object")
        context = self.context(c) if c > 0 and c - 1 not in self.clause_has_figure else None
        return f"{metric}（{context}）" if context else metric  # …职务犯罪职能，依法起诉4件7人

    def subset(self, metric: str, last: Found, c: int) -> str | None:
        """The metric a 其中 clause names a part of, or None. A part has the same head noun (…案件, 其中涉民生领域
        案件) or just a short name (新增装机容量…, 其中水电…、核电…: the items after 、 continue the 其中 list)."""
        a = self.clauses[c][0]
        if self.t.startswith("其中", a) and (len(metric) <= 4 or last.metric.endswith(metric[-2:])):
            return last.metric
        if self.whole and self.whole[1] == c - 1 and self.t[a - 1] == "、" and len(metric) <= 4:
            return self.whole[0]
        return None

    def rate_before(self, c: int, pos: int) -> str | None:
        """The rate phrase (…率) written earlier in the clause, for a percentage that names none."""
        a = self.clauses[c][0]
        text = self.t[max(a, pos - ph.MAX_METRIC_CHARS):pos]
        at = text.rfind("率")
        if at < 0:
            return None
        phrase = ph.normalise_metric(ph.clean_pre(text[: at + 1]))
        return phrase or None

    def pair_changes(self) -> None:
        """Changes naming no metric take the metrics of the value figures before them (…件…人，同比下降x%和y%)."""
        values: list[Found] = []  # the value figures before position k
        k = 0
        while k < len(self.found):
            if not self.found[k].pair:
                if self.found[k].kind == VALUE:
                    values.append(self.found[k])
                k += 1
                continue
            group_end = k
            while group_end + 1 < len(self.found) and self.found[group_end + 1].pair and \
                    self.found[group_end + 1].clause == self.found[k].clause:
                group_end += 1
            size = group_end - k + 1
            before = values or self.found[k - 1:k]  # 增加300亿元，比上年增长20%: the change of a change
            if not before:  # 办理民事诉讼监督案件，同比上升130.56%: the clause before names it
                context = self.context(self.clause_of(self.found[k].start)) or ""
                for j in range(k, group_end + 1):
                    self.found[j].metric, self.found[j].respectively, self.found[j].pair = context, size > 1, False
                k = group_end + 1
                continue
            targets = before[-size:] if len(before) >= size else before[-1:] * size
            same = len({f.metric for f in targets}) == 1 and len({f.unit for f in targets}) == size
            for j, target in enumerate(targets):
                metric = target.metric + UNIT_COUNTS.get(target.unit, "") if same and size > 1 else target.metric
                f = self.found[k + j]
                f.metric, f.respectively, f.pair = metric, size > 1, False
            k = group_end + 1

def paragraph_rows(paragraph: Paragraph, table: MetricTable) -> list[tuple]:
    """The figures of one paragraph as tuples of Figure's fields in order (what a build stores; Figure(*row))."""
    text, rid, report, institution = paragraph.text, paragraph.id, paragraph.report, paragraph.institution
    canonical = table.canonical
    return [
        (rid, report, institution, f.years, text[f.sentence[0]:f.sentence[1]], f.sentence[0], f.sentence[1],
         text[f.start:f.end], f.start, f.end, f.metric, f.value, f.unit, f.kind, f.direction, f.approx, f.respectively,
         f.baseline, f.baseline_years, canonical(f.metric, f.unit, f.kind))
        for f in find_figures(text, paragraph.years, table.rate_units, table.names)
    ]


def paragraph_figures(paragraph: Paragraph, table: MetricTable) -> list[Figure]:
    """The figures of one paragraph with its ids, institution and years, and their canonical metrics."""
    return [Figure(*row) for row in paragraph_rows(paragraph, table)]
