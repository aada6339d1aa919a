"""The words around a number: clause limits, the metric phrase before and after it, changes, rankings, lists.

Each pattern is an alternation of literals or one bounded character class, applied to a window of at most
MAX_METRIC_CHARS characters next to a number, so the cost per number is bounded whatever the paragraph.
"""

from __future__ import annotations

import re

from indexer.limits import MAX_METRIC_CHARS


def starting_with(chars: str, pattern: str) -> re.Pattern[str]:
    """pattern behind a lookahead on the characters (a regex class body) that every match of it starts with.

    The same matches; but the engine skips to those characters instead of trying each alternative at every
    position of the text: 2–3× faster for a pattern that opens with an optional part or a lookbehind."""
    return re.compile(f"(?=[{chars}])(?:{pattern})")


CLAUSE_MARKS = frozenset("，,：:")
# A year or period written inside a metric phrase says when, not what: it goes to `years`.
YEAR_PHRASE = starting_with("自从截至到在0-9一二三四五六七八九〇○零",
                            r"(?:自|从|截至|截止|至|到|在)?(?:[0-9]{4}|[一二三四五六七八九〇○零]{4}) ?年"
                            r"(?:以来|起|底|末|初|来|度|上半年|下半年)?(?:的)?")
PERIOD_PHRASE = starting_with("近过0-9一二两三四五六七八九十全年当今",
                              r"(?:近|过去)?(?<![0-9])(?:[0-9]{1,2}|[一二两三四五六七八九十]{1,2})年(?:来|以来|内|中|间)"
                              r"|全年|年内|当年|今年以来|今年")
UP = ("上升", "增长", "增加", "提升", "提高", "上涨", "增多", "攀升", "扩大", "增产", "增收", "增")
DOWN = ("下降", "减少", "降低", "缩短", "回落", "下滑", "下跌", "压降", "缩减", "削减", "核减", "减产", "减收", "减")
MORE_LESS = ("多", "少")  # 比去年多100万人: a change only after a baseline
_LEAD_WORDS = ("其中", "同时", "此外", "另外", "并且", "并", "且", "还", "总共", "累计", "合计", "共计", "共", "一共",
               "全院共", "全院", "全市法院", "全市两级法院", "两级法院", "全市检察机关", "先后", "已", "又", "再", "另",
               "总计", "其余", "现有", "目前", "推动", "积极", "有效", "成功", "按可比价格计算", "扣除价格因素",
               "实际", "平均每年", "每年", "年均", "一律", "现在的", "现在", "目前的", "目前",
               *(verb + to for verb in ("上升", "下降", "增加", "减少", "增长", "提高", "降低", "降", "升") for to in ("到", "至")))
_TRAIL_WORDS = ("分别为", "分别达到", "分别达", "分别是", "分别", "达到", "高达", "多达", "达", "为", "是", "计", "共计",
                "共", "约", "近", "超过", "超", "逾", "仅为", "仅", "已", "的", "了", "总计", "累计", "合计", "均",
                "持续下降至", "持续下降到", "下降至", "下降到", "降至", "降到", "上升至", "上升到", "升至", "提高到", "提高至",
                "提升至", "提升到", "减少至", "减少到", "增加至", "增加到", "增长到", "增长至", "缩短至", "缩短到", "持续",
                "仍", "保持", "稳定在", "控制在", "保持在", "要", "由", "从", "长达", "扩大到", "扩大至", "再", "又", "还", "进一步",
                "继续", "年均", "平均", "预计将", "估计将", "预计", "估计", "将", "可望", "有望", "实际",
                *(w for w in UP + DOWN if len(w) > 1))  # not 增 alone: 新增 stays
LEAD = re.compile("(?:" + "|".join(sorted(_LEAD_WORDS, key=len, reverse=True)) + ")")
TRAIL_MAX = max(map(len, _TRAIL_WORDS))
TRAIL = re.compile("(?:" + "|".join(sorted(_TRAIL_WORDS, key=len, reverse=True)) + ")$")
# Cheap pre-checks: most phrases neither start with a lead word nor end with a trailing one, and one set
# look-up is cheaper than trying every word (\n: a $-anchored pattern also matches before a final newline).
_LEAD_FIRST = frozenset(w[0] for w in _LEAD_WORDS)
_TRAIL_LAST = frozenset({w[-1] for w in _TRAIL_WORDS} | {"\n"})
PREPOSITION = re.compile(r"^(?:对|为|向|与|给|让)(?!用|得|之)")  # not 使用, 为之
_PREPOSITION_FIRST = frozenset("对为向与给让")
CONJUNCTION = re.compile(r"(?:和|及|与|以及|、)$")  # 六条铁路新干线和五个重点港口: the number counts what follows
JOINED = ("和", "及", "与", "并", "、", "或", "以及")
# after a number, words that say something about it rather than what it counts (2422件下降到…, 97.8%居全省第一)
ABOUT = ("上升", "下降", "增长", "减少", "增加", "提升", "提高", "降低", "缩短", "回落", "下滑", "降至", "降到", "降为", "升至", "升到",
         "至", "到", "同比", "环比", "较", "比", "占", "居", "位居", "位列", "排名", "均", "分别", "以上", "左右")
_NOT_COUNTED = JOINED + ABOUT  # words after a number that start another item or speak about it
_NOT_COUNTED_FIRST = frozenset(w[0] for w in _NOT_COUNTED)
EDGE_PUNCT = " \t·、，,：:"
_BRACKETS = re.compile("[（）()]")  # a phrase without any is already balanced: _balanced has nothing to do

_DIRECTION = "|".join(sorted(UP + DOWN + MORE_LESS, key=len, reverse=True))
# a change: the direction verb right before the number (同比下降15.9%, 比改革前增加38.46%, 同比分别上升1.88%)
CHANGE = re.compile(rf"(?<!新)(?P<verb>{_DIRECTION})(?:了)?$")  # 新增 counts what is new: a value
CHANGE_LAST = frozenset({w[-1] for w in UP + DOWN + MORE_LESS} | {"了", "\n"})  # what a text CHANGE finds ends with
# what the change is measured against, right before the verb
BASELINE = starting_with("同环较比与",
                         r"(?P<base>同比|环比|较上年|比上年|较去年|比去年|较上一年|与上年相比|较(?P<y1>[0-9]{4}) ?年|比(?P<y2>[0-9]{4}) ?年"
                         r"|比改革前|较改革前|较同期|比同期|较[^，,、]{1,8}?|(?<![可对相无])比(?!重|例|值|率)[^，,、]{1,8}?)(?:已|均|分别|总计|累计|共|也|又|再|进一步|持续|总体|整体|预计|估计|将|实际)*$")
# a clause that qualifies a figure instead of naming it (考虑价格下降因素, 按可比价格计算)
QUALIFIER = re.compile(r"(?:考虑|扣除|剔除|按|如果|若|按照)")
# a ranking: 位居全省第一, 位列嘉兴第一, 三项排名全省第一, 居全省第一
RANK = re.compile(r"(?P<verb>位居|位列|名列|排名|排在|居于|跻身|居)(?P<region>[^，,、。；\d]{0,6}?)$")
RATE_WORD = re.compile(r"(?:率|比|比例|占比|指数|系数|比值)$")
RATE_NAME = re.compile(r"[\u4e00-\u9fff”](?:率|比|比例|占比|指数|系数|比值)$")  # 程序比, not the 比 of 1.03比1
SPLIT_ITEMS = re.compile(r"、|”“|”、“")
ATTRIBUTES = frozenset({"涉案金额", "金额", "标的额", "标的金额", "涉案总额", "总额", "人数", "件数", "涉及人数"})
BARE_VERBS = frozenset({"起诉", "提起公诉", "公诉", "审结", "办结", "结案", "受理", "新收", "收案", "批捕", "批准逮捕",
                        "执结", "判处", "审查起诉"})
ADVERBS = re.compile(r"^(?:依法|从严|从快|从重|共|累计|全年|先后)+")
_ADVERB_FIRST = frozenset("依从共累全先")  # the first characters of ADVERBS' words
# 从严批捕涉黑恶犯罪150人，从快起诉154人: the second activity shares the first one's object
PARALLEL = re.compile(r"^(?:从严|从快|从重)(?:" + "|".join(sorted(BARE_VERBS, key=len, reverse=True)) + r")(?P<object>.+)$")


_AND = re.compile(r"和|及|与")
_NOT_COMPARED = re.compile(r"[“”‘’\"'《》（）()「」『』\s]")  # what normalise_metric removes


def window_before(text: str, start: int, floor: int) -> str:
    """At most MAX_METRIC_CHARS characters of text before start, not before floor."""
    return text[max(floor, start - MAX_METRIC_CHARS):start]


def window_after(text: str, end: int, ceiling: int) -> str:
    """At most MAX_METRIC_CHARS characters of text after end, not past ceiling."""
    return text[end:min(ceiling, end + MAX_METRIC_CHARS)]


def strip_years(phrase: str) -> str:
    """The phrase without its year and period expressions (2017年以来, 三年来, 全年)."""
    return PERIOD_PHRASE.sub("", YEAR_PHRASE.sub("", phrase)) if "年" in phrase else phrase


def clean_pre(phrase: str) -> str:
    """The words before a number as a metric: no years, no leading 其中/共/全年, no trailing 达/为/分别."""
    if "年" in phrase:
        phrase = strip_years(phrase)
    phrase = phrase.rstrip("0123456789.,，").strip(EDGE_PUNCT)  # a numeral that stated nothing
    if phrase[:1] not in _LEAD_FIRST and phrase[-1:] not in _TRAIL_LAST:
        return _balanced(phrase) if _BRACKETS.search(phrase) else phrase  # most phrases: nothing to take off
    for _ in range(4):  # a few layers at most: 全院共 / 其中已 / 分别达
        before = phrase
        if phrase[:1] in _LEAD_FIRST and (lead := LEAD.match(phrase)):
            phrase = phrase[lead.end():].strip(EDGE_PUNCT)
        # searched only in the last TRAIL_MAX characters: a $-anchored search elsewhere tries every position
        if phrase[-1:] in _TRAIL_LAST and (trail := TRAIL.search(phrase, max(0, len(phrase) - TRAIL_MAX))):
            phrase = phrase[:trail.start()].strip(EDGE_PUNCT)
        if phrase == before:
            break
    return _balanced(phrase) if _BRACKETS.search(phrase) else phrase


def _balanced(phrase: str) -> str:
    """Without a leading closing bracket or a trailing opening one, and a cut-off bracket closed."""
    phrase = phrase.lstrip("）)").rstrip("（(")
    if "（" in phrase and phrase.count("（") > phrase.count("）"):
        phrase += "）"
    return phrase


def clean_post(phrase: str) -> str:
    """The words after a number's unit as part of its metric ('' when they start another item: 和…, 、…)."""
    phrase = phrase.strip(" \t")
    if phrase[:1] in _NOT_COUNTED_FIRST and phrase.startswith(_NOT_COUNTED):
        return ""
    phrase = phrase.removeprefix("的")
    if "年" in phrase:
        phrase = strip_years(phrase)
    phrase = phrase.strip(EDGE_PUNCT)
    return _balanced(phrase) if _BRACKETS.search(phrase) else phrase


def without_preposition(phrase: str) -> str:
    """The phrase without a preposition opening it (对…案件 → …案件; not 使用, 为之)."""
    return phrase[1:] if phrase[:1] in _PREPOSITION_FIRST and PREPOSITION.match(phrase) else phrase


def split_items(phrase: str, count: int) -> list[str] | None:
    """The list phrase 'A、B' or '“A”“B”' as count items, or None when it does not have that many."""
    parts = [p for p in SPLIT_ITEMS.split(phrase) if p.strip(EDGE_PUNCT)]
    if len(parts) < count:
        last = _AND.split(parts[-1]) if parts else []
        parts = parts[:-1] + last
    if len(parts) != count:
        return None
    parts = [_requote(p) for p in parts]
    return [p.strip(EDGE_PUNCT) for p in parts]


def _requote(part: str) -> str:
    """Put back the quote marks that splitting at ”“ took off one side."""
    if "“" in part and "”" not in part:
        return part + "”"
    if "”" in part and "“" not in part:
        return "“" + part
    return part


def enumerated(phrase: str) -> int:
    """How many items the list 'A、B、C' right before a count has (1 without a list)."""
    return phrase.count("、") + 1


def is_bare_verb(metric: str) -> bool:
    """True for a metric that is only an activity with no object (依法起诉, 审结): what it counts is said earlier."""
    if metric[:1] not in _ADVERB_FIRST:
        return metric in BARE_VERBS  # most phrases: no adverb to take off
    return ADVERBS.sub("", metric) in BARE_VERBS


def normalise_metric(metric: str) -> str:
    """A metric phrase for comparison: without quotes, brackets and spaces."""
    return _NOT_COMPARED.sub("", metric)
