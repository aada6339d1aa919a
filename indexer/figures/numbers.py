"""Numbers as the reports write them: Arabic and Chinese numerals, 万/亿 multipliers, units, approximations.

`scan_numbers(text)` finds every numeral in a paragraph once, left to right, and says for each what it
measures (value normalised to base units, unit, approximation) or why it is not a figure (a year, a date,
a range, a name in quotes, an id, an ordinal, a numeral without a unit). Which numbers become figures,
and of what, is decided by indexer/figures/extract.py with the sentence around them.

Every pattern here is one character class with one quantifier or an alternation of literals, matched
forward from a position the scan has not passed: linear in the text, whatever the text is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from indexer.limits import MAX_NUMERAL_CHARS, MAX_QUOTE_CHARS

# Full-width digits, point and percent as the reports sometimes type them; one character each, so
# positions in the translated text are positions in the paragraph.
HALF_WIDTH = str.maketrans("０１２３４５６７８９．％／＋", "0123456789.%/+")

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_SMALL = {"十": 10, "百": 100, "千": 1000}
CHINESE_LARGE = {"万": 10_000, "亿": 100_000_000}
MULTIPLIERS = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "亿": 10**8, "万": 10**4, "千": 10**3}

# surface unit → base unit (a figure's unit is always the base one: 名 counts people, 起 counts cases)
UNITS: dict[str, str] = {
    "个百分点": "百分点", "百分点": "百分点", "%": "%", "‰": "‰",
    "人次": "人次", "件次": "件次", "户次": "户次", "场次": "场次", "车次": "车次", "架次": "架次",
    "平方公里": "平方公里", "平方千米": "平方公里", "平方米": "平方米", "㎡": "平方米", "立方米": "立方米",
    "公顷": "公顷", "亩": "亩", "公里": "公里", "千米": "公里", "吨": "吨", "公斤": "公斤", "千克": "公斤",
    "千瓦时": "千瓦时", "千瓦": "千瓦", "斤": "斤",
    "美元": "美元", "欧元": "欧元", "元": "元",
    "个工作日": "天", "工作日": "天", "个小时": "小时", "小时": "小时", "分钟": "分钟", "个月": "月", "天": "天",
    "周": "周", "年": "年",
    "件": "件", "起": "件", "宗": "件", "例": "例",
    "人口": "人", "人": "人", "名": "人", "位": "人", "户": "户",
    "部门": "个", "个": "个", "项": "项", "次": "次", "家": "家", "篇": "篇", "份": "份", "场": "场",
    "条": "条", "期": "期", "只": "只", "辆": "辆", "类": "类", "所": "所", "批": "批", "套": "套",
    "台": "台", "座": "座", "处": "处", "支": "支", "艘": "艘", "头": "头", "株": "株", "棵": "棵",
    "册": "册", "本": "本", "部": "部", "种": "种", "笔": "笔", "张": "张", "倍": "倍", "间": "间",
    "岁": "岁", "地": "地", "大": "个",
}
# A Chinese numeral counts only before one of these (elsewhere it is a name, a slogan, an adverb …).
CHINESE_UNITS = frozenset({"项", "个", "类", "地", "部门", "篇", "起", "件", "名", "人", "家", "大", "元", "美元", "户", "所", "位",
                           "吨", "亩", "公里", "公顷", "平方米", "千瓦", "人次"})
ONE_UNITS = frozenset({"起", "篇", "件", "名"})  # 一 alone counts only here (一起案件, 其中一篇): elsewhere "a"
MONEY = frozenset({"元", "美元", "欧元"})
APPROX_BEFORE = ("不低于", "不少于", "不超过", "不高于", "将近", "接近", "大约", "超过", "多达", "不足", "不到", "近", "约", "逾", "超")
APPROX_AFTER = ("以上", "左右", "以内", "以下")
PERIOD_AFTER_YEAR = frozenset("来前后内间度底初末中起里")
# N年 is a figure only as a duration someone counted: 连续3年实现100%, 判处有期徒刑3年
DURATION_BEFORE_YEAR = ("连续", "历时", "长达", "用时", "为期", "徒刑", "刑期", "缓刑", "提前", "延长", "缩短", "超过", "达")
RANGE_CHARS = frozenset("-–—~～至到")
ANAPHORA = frozenset("这那该此")
# a unit character that begins a word (近千万家庭, 3个人口): no unit was written
UNIT_WORDS = ("个字", "家庭", "家属", "家长", "家乡", "名单", "名称", "场所", "期间", "份额", "条例", "条件", "类型", "只有",
              "部分", "部署", "部长", "间隔", "处理", "处罚", "批准", "批示", "笔者", "本着", "套路", "台湾", "座谈", "种类")

# 1,234 and the older reports' 1，120 and 4·3%
_ARABIC = r"[0-9]+(?:[,，][0-9]{3})*(?:[.·][0-9]+)?(?:/[0-9]+)?"
PERCENT_WORDS = "百分之"  # 百分之四十六, 近百分之十: a percentage written in words
_CN = "[" + "".join(CHINESE_DIGITS) + "".join(CHINESE_SMALL) + "".join(CHINESE_LARGE) + "]"
NUMERAL = re.compile(rf"{_ARABIC}|{_CN}+")  # any numeral: in a name of metrics.toml, after a range's dash
# what may follow a Chinese numeral that counts: the first character of a unit, or 余/多
_CHINESE_NEXT = "".join(sorted({u[0] for u in CHINESE_UNITS} | {"余", "多"}))
# The numerals worth classifying: Arabic ones; Chinese ones before a unit's first character (not 一审, 统一,
# 长三角) or after 第. A Chinese run is tried only from its first character ((?<!…)) and taken whole (++),
# so a long run costs one pass, not one per character.
# The leading lookahead (every alternative begins with a digit or a Chinese numeral) lets the regex engine skip
# to candidate characters instead of trying four alternatives at every position: the same matches, 2.5× faster.
TOKEN = re.compile(rf"(?=[0-9{_CN[1:-1]}])(?:(?<={PERCENT_WORDS})(?P<pct>{_ARABIC}|{_CN}++)|(?P<ar>{_ARABIC})"
                   rf"|(?<!{_CN})(?P<cn>{_CN}++)(?=[{re.escape(_CHINESE_NEXT)}])|(?<=第)(?P<ord>{_CN}++))")
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# after the numeral: 余/多, a multiplier, 余/多 again (800余万元, 1060万余元), then a unit
AFTER = re.compile(rf"(?P<a1>余|多)?(?P<mult>万亿|千万|百万|亿|万|千)?(?P<a2>余|多)?(?P<unit>{_UNIT_ALTERNATION})?")
_ID_NEIGHBOURS = frozenset("+ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
QUOTES = {"“": "”", "《": "》", "「": "」", "『": "』", "‘": "’", '"': '"'}
_APPROX_LAST = frozenset(w[-1] for w in APPROX_BEFORE)
_APPROX_AFTER = frozenset(APPROX_AFTER)
assert all(len(w) == 2 for w in APPROX_AFTER)  # _classify compares the two characters after a span with the set
_UNIT_WORDS = frozenset(UNIT_WORDS)
assert all(len(w) == 2 for w in UNIT_WORDS)  # _classify compares the two characters at a unit with the set
# a character before a numeral that alone says why it is no figure: one look-up instead of a chain of tests
_SKIP_BY_PREVIOUS = {**{ch: "name" for ch in _ID_NEIGHBOURS}, "每": "quantifier", **{ch: "anaphora" for ch in ANAPHORA}}
_OPENING = re.compile("[" + re.escape("".join(QUOTES)) + "]")
_SENTENCE_END = re.compile("[。！？；!?;]")
_FULL_WIDTH = re.compile("[０-９．％／＋]")


def half_width(text: str) -> str:
    """text with full-width digits, point, percent, slash and plus made ASCII (same length: positions hold)."""
    return text.translate(HALF_WIDTH) if _FULL_WIDTH.search(text) else text


@dataclass(slots=True)
class Number:
    """One numeral in a paragraph: where it is, what it measures, or why it is not a figure."""

    start: int  # first character of the numeral (of 第 for an ordinal)
    end: int  # after its multiplier, inner 余/多 and unit: text[start:end] is the span as written
    value: int | float | None  # normalised to base units (6.1亿元 → 610000000), None when unreadable
    unit: str  # base unit, "" when none is written
    surface: str  # the unit as written (万元 → 元 is in value; 名 → 人 is in unit)
    mult: str  # the multiplier as written (万, 亿, 千万 …), "" without one
    approx: str | None  # 余 多 近 约 超过 逾 以上 左右 … as written
    chinese: bool
    ordinal: bool  # 第… (a ranking when the sentence says so)
    skip: str | None  # why this is not a figure; None: a candidate
    approx_start: int  # where a leading 近/约/超过 begins (== start without one)


def chinese_value(text: str) -> int | None:
    """The value of a Chinese numeral (二十六亿六千万 → 2660000000), None for digit strings like 二〇二三."""
    total, section, digit, last_was_digit = 0, 0, None, False
    for ch in text:
        if ch == "零":  # 一百零五: a placeholder between units (〇 is a digit: 二〇二三 reads digit by digit)
            last_was_digit = False
            continue
        if ch in CHINESE_DIGITS:
            if last_was_digit:
                return None  # 一九八二, 十一五: read digit by digit, not a count
            digit, last_was_digit = CHINESE_DIGITS[ch], True
            continue
        last_was_digit = False
        if ch in CHINESE_SMALL:
            section += (1 if digit is None else digit) * CHINESE_SMALL[ch]
        else:  # 万 or 亿
            large = CHINESE_LARGE[ch]
            section += digit or 0
            if large == 100_000_000:
                total = (total + (section or 1)) * large
            elif section == 0 and total and total % 100_000_000 == 0:
                return None  # 亿万: not a numeral
            else:
                total += (section or 1) * large
            section = 0
        digit = None
    return total + section + (digit or 0)


def numeral_value(digits: str, chinese: bool, mult: str) -> int | float | None:
    """The value of a numeral as written with its multiplier (10.9 万 → 109000), None when unreadable."""
    scale = MULTIPLIERS.get(mult, 1)
    if chinese:
        base = chinese_value(digits)
        return None if base is None else base * scale
    if digits.isdigit():  # most numerals: no thousands separator, point or fraction (TOKEN's digits are ASCII)
        return int(digits) * scale
    plain = digits.replace(",", "").replace("，", "").replace("·", ".")
    if "/" in plain:
        top, bottom = plain.split("/", 1)
        return as_number(Decimal(top) / Decimal(bottom) * scale) if int(bottom) else None
    if "." not in plain:
        return int(plain) * scale
    if scale == 1:
        return float(plain)
    return as_number(Decimal(plain) * scale)  # exact: 10.9 × 10000 is 109000, not 109000.00000000001


def as_number(value: Decimal) -> int | float:
    """An int when the value is whole (109000), else a float (1332.2)."""
    return int(value) if value == value.to_integral_value() else float(value)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every closed quotation (“…”, 《…》, "…" …) of at most MAX_QUOTE_CHARS inside one sentence."""
    spans: list[tuple[int, int]] = []
    end = 0
    for m in _OPENING.finditer(text):
        i = m.start()
        if i < end:
            continue  # inside the previous quotation
        j = text.find(QUOTES[text[i]], i + 1, min(len(text), i + 2 + MAX_QUOTE_CHARS))
        if j < 0 or _SENTENCE_END.search(text, i + 1, j):
            continue
        spans.append((i, j + 1))
        end = j + 1
    return spans


class NameIndex:
    """Set phrases with a numeral that name things (和平共处五项原则, 八项规定): a numeral inside one is no figure."""

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.by_numeral: dict[str, list[tuple[str, int]]] = {}
        for name in names:
            m = NUMERAL.search(name)
            if m is not None:
                self.by_numeral.setdefault(m.group(0), []).append((name, m.start()))

    def covers(self, text: str, token: re.Match[str]) -> bool:
        """True when the numeral token sits inside one of the names."""
        names = self.by_numeral.get(token.group(0))
        return names is not None and any(text.startswith(name, token.start() - offset) for name, offset in names)


NO_NAMES = NameIndex()


def scan_numbers(text: str, names: NameIndex = NO_NAMES) -> list[Number]:
    """Every numeral of text (already translated with HALF_WIDTH), left to right, classified."""
    quotes: list[tuple[int, int]] | None = None  # found at the first numeral: a paragraph without one needs none
    q = quote_count = 0
    named = names.by_numeral  # the numerals of the names: most numerals are none of them
    out: list[Number] = []
    range_end = -1  # a range's first number ended here: the number after the dash is its other end
    taken = 0  # the previous number's span ends here: 亿 in 6.1亿元 is its multiplier, not a numeral
    for m in TOKEN.finditer(text):
        start = m.start()
        if start < taken:
            continue
        if quotes is None:
            quotes = quoted_spans(text)
            quote_count = len(quotes)
        while q < quote_count and quotes[q][1] <= start:
            q += 1
        numeral = m.group(0)  # the match is the numeral: TOKEN's groups are its alternatives
        quoted = (q < quote_count and quotes[q][0] < start) or (numeral in named and names.covers(text, m))
        kind = m.lastgroup  # exactly one of TOKEN's groups takes part in a match
        if kind == "ar":
            if "," in numeral or "，" in numeral:
                numbers = _arabic(text, m, quoted, range_end)
            else:
                numbers = (_classify(text, start, m.end(), numeral, False, quoted, range_end),)
        elif kind == "pct":
            numbers = (_percent(text, m, quoted, range_end),)
        else:
            numbers = (_classify(text, start, m.end(), numeral, True, quoted, range_end),)
        for number in numbers:
            if number.skip == "range":
                range_end = number.end
            if number.end > taken:
                taken = number.end
            out.append(number)
    return out


def _arabic(text: str, m: re.Match[str], quoted: bool, range_end: int) -> tuple[Number, ...]:
    """An Arabic token with commas as Number(s): with no unit after it, it was a list, not thousands."""
    digits = m.group(0)
    if not _unit_follows(text, m.end()):
        out, pos = [], m.start()
        for part in re.split("[,，]", digits):
            out.append(_classify(text, pos, pos + len(part), part, False, quoted, range_end))
            pos += len(part) + 1
        return tuple(out)
    return (_classify(text, m.start(), m.end(), digits, False, quoted, range_end),)


def _percent(text: str, m: re.Match[str], quoted: bool, range_end: int) -> Number:
    """百分之四十六 (the numeral after 百分之): a percentage, its span from 百."""
    digits = m.group("pct")
    chinese = not digits[0].isdigit()
    start = m.start() - len(PERCENT_WORDS)
    before, approx_start = _approx_before(text, start)
    skip = "quoted" if quoted else None
    if skip is None and text[m.end():m.end() + 1] in RANGE_CHARS and NUMERAL.match(text, m.end() + 1):
        skip = "range"
    value = numeral_value(digits, chinese, "") if len(digits) <= MAX_NUMERAL_CHARS else None
    return Number(start, m.end(), value, "%", "%", "", before, chinese, False,
                  skip if value is not None or skip else "unreadable", approx_start)


def _unit_follows(text: str, end: int) -> bool:
    after = AFTER.match(text, end)
    return after is not None and bool(after.group("unit") or after.group("mult"))


def _approx_before(text: str, start: int) -> tuple[str | None, int]:
    if start == 0 or text[start - 1] not in _APPROX_LAST:
        return None, start
    for word in APPROX_BEFORE:
        if text.startswith(word, start - len(word)):
            return word, start - len(word)
    return None, start


def _classify(text: str, start: int, end: int, digits: str, chinese: bool, quoted: bool, range_end: int) -> Number:
    if len(digits) > MAX_NUMERAL_CHARS:  # never parsed: Decimal and int of a huge numeral cost more than linear
        return Number(start, end, None, "", "", "", None, chinese, False, "too long", start)
    after = AFTER.match(text, end)
    assert after is not None  # every group is optional
    a1, mult, a2, surface = after.groups()
    # where the unit starts: AFTER's last group, so the match ends with it (or where it would start)
    unit_start = after.end() - len(surface) if surface else after.end()
    if surface is None or text[unit_start:unit_start + 2] in _UNIT_WORDS:
        surface = ""  # none written, or 近千万家庭: 家 is the start of 家庭, not a unit
    mult = mult or ""
    if surface:
        span_end, inner = after.end(), a1 or a2
    elif mult:
        span_end, inner = unit_start, a1 or a2  # 800余万: the span ends after the multiplier and its 余/多
    else:
        span_end, inner = end, None
    ordinal = text.startswith("第", start - 1)
    lead = start - 1 if ordinal else start
    if lead and text[lead - 1] in _APPROX_LAST:
        before, approx_start = _approx_before(text, lead)
    else:
        before, approx_start = None, lead
    approx = inner or before or (text[span_end:span_end + 2] if text[span_end:span_end + 2] in _APPROX_AFTER else None)
    skip = _skip(text, start, end, span_end, digits, chinese, surface, mult, quoted, range_end, before)
    if ordinal and skip is None:
        skip = "ordinal"  # 第一批, 第五检察部 … unless the sentence ranks (extract.py decides)
    value: int | float | None
    if skip is not None and skip != "ordinal":
        value = None
    elif not chinese and digits.isdigit():  # most numerals: numeral_value's first case, without the call
        value = int(digits) * MULTIPLIERS.get(mult, 1)
    else:
        value = numeral_value(digits, chinese, mult)
    if value is None and skip is None:
        skip = "unreadable"
    unit = UNITS.get(surface, "")
    if not surface and "/" in digits:
        unit = "倍"
    return Number(start - 1 if ordinal else start, span_end, value, unit, surface, mult, approx, chinese, ordinal, skip,
                  approx_start)


def _skip(text: str, start: int, end: int, span_end: int, digits: str, chinese: bool, surface: str, mult: str,
          quoted: bool, range_end: int, before: str | None) -> str | None:
    """Why the numeral text[start:end] is not a figure, or None."""
    if quoted:
        return "quoted"
    nxt = text[end:end + 1]  # "" at the end
    if nxt in _ID_NEIGHBOURS:
        return "name"  # 3+1, S1: names and ids
    prev = text[start - 1] if start else ""
    if reason := _SKIP_BY_PREVIOUS.get(prev):
        return reason  # 7+2, 每人, 这两个部门
    if prev in RANGE_CHARS and range_end >= 0 and start - range_end <= 1:
        return "range"
    if nxt in RANGE_CHARS and NUMERAL.match(text, end + 1):
        return "year" if (not chinese and len(digits) == 4 and text[end + 1:end + 5].isdigit()) else "range"
    if text[span_end:span_end + 1] in RANGE_CHARS and NUMERAL.match(text, span_end + 1):
        return "range"  # 3万至5万元, 30%—40%
    if text.startswith("第", start - 1):
        return None  # an ordinal: the caller marks it
    if not chinese:
        return _skip_arabic(text, end, digits, surface, mult, before)
    return _skip_chinese(text, start, end, digits, surface, mult, before)


def _skip_arabic(text: str, end: int, digits: str, surface: str, mult: str, before: str | None) -> str | None:
    rest = text[end:end + 2].lstrip(" ")
    if len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100 and (rest.startswith("年") or not surface):
        return "year"
    if rest.startswith(("月", "日", "号")):
        return "date"
    if surface == "年":
        after = text[end + 1:end + 2]
        if after in PERIOD_AFTER_YEAR or not any(text.endswith(w, 0, end - len(digits)) for w in DURATION_BEFORE_YEAR):
            return "period"  # 3年来, 近5年, 1950年到2002年53年的总和: when, not how long something lasted
    if surface == "周" and text.startswith("年", end + 1):
        return "anniversary"
    return None


def _skip_chinese(text: str, start: int, end: int, digits: str, surface: str, mult: str, before: str | None) -> str | None:
    if surface not in CHINESE_UNITS and not (mult and surface in MONEY):
        return "no unit"
    unit_end = end + len(mult) + len(surface)
    if surface in ("件", "个") and text.startswith("事", unit_end):
        return "name"  # 一件事, 三件事: reforms and slogans
    if surface == "起" and not text.startswith("案", unit_end):
        return "article"  # 一起 = together / a (成功化解一起拖欠…案件)
    bare = all(ch in CHINESE_SMALL or ch in CHINESE_LARGE for ch in digits)
    if bare and not (surface in MONEY or before):
        return "no count"  # 万人成讼率, 千家万户, 百名代表: a bare 千/万 counts only money or after 近/约
    if digits == "一" and surface not in ONE_UNITS:
        return "article"
    return None
