"""ingest/names.py finds exactly what the backtracking institution-name regex found, in linear time.

The regex below is the rule as it was written in detect.py (exponential on "市市市…"): it stays here as the
oracle, run only on short strings and on real names.
"""

from __future__ import annotations

import random
import re

import pytest

from bench.generate import all_institutions
from indexer.ingest import names
from tests.helpers.growth import assert_linear

_NAME = (r"(?:最高人民(?:法院|检察院)|(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗))+"
         r"(?:(?:高级|中级)?人民(?:法院|检察院)|(?:海事|知识产权|金融|互联网|铁路运输)法院))")
INSTITUTION = re.compile(r"(?:^|(?<=[\s，,。：:、；;“”\"《》（）()【】#*]))(" + _NAME + ")")
SPEAKER = re.compile(r"我代表\s*(" + _NAME + ")")
BYLINE = re.compile(r"^\s*(" + _NAME + r")\s*(?:代理|代|常务副)?(?:院长|检察长)")
PIECES = ["市", "区", "县", "省", "自治区", "自治州", "州", "地区", "旗", "盟", "人民法院", "人民检察院", "高级", "中级",
          "海事法院", "最高人民法院", "最高人民检察院", "平湖", "嘉兴", "义", "我代表", " ", "，", "A", "院长", "代理",
          "检察长", "人民", "法院", "法", "院", "检察", "铁路运输", "\n", "杭州"]


def same_as_the_regex(text: str) -> None:
    assert names.find_all(text) == [m.group(1) for m in INSTITUTION.finditer(text)], text
    m = SPEAKER.search(text)
    assert names.speaker(text) == (m.group(1) if m else None), text
    for line in text.splitlines():
        m = BYLINE.match(line)
        assert names.byline(line) == (m.group(1) if m else None), line
        assert names.starts_with_name(line) == bool(INSTITUTION.match(line)), line
        assert names.is_name(line) == bool(INSTITUTION.fullmatch(line)), line


def test_the_same_answers_as_the_regex_on_random_short_strings():
    rng = random.Random(18)
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 9)))[:26]  # short: the oracle is exponential
        same_as_the_regex(text)


def test_the_same_answers_as_the_regex_on_every_real_name():
    for institution in all_institutions():
        name = institution.name
        for text in (f"现在，我代表{name}向大会报告工作。", f"{name}工作报告", f"，{name}、{name}审结案件", f"{name}院长　张明"):
            same_as_the_regex(text)


@pytest.mark.parametrize("make", [
    lambda n: "2023年，我代表" + "市" * n + "向大会报告工作", lambda n: "，" + "市" * n + "人民法院",
    lambda n: "我代表市" * n, lambda n: "，" + "县区" * n + "中级人民检察院", lambda n: ("，" + "市" * 40) * n,
], ids=["speaker", "one-long-name", "repeated-speakers", "regions", "many-runs"])
def test_linear_on_runs_of_region_words(make):
    assert_linear(lambda text: (names.find_all(text), names.speaker(text)), make, 2_000)
