"""Issue 22's citations (indexer/citation.py): GB/T 7714-2015 references, RIS and BibTeX from what build.json knows
of a report — every known field in its place, every unknown one left out."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.citation import bibtex, cited, gbt7714, ris

ACCESSED = dt.date(2024, 5, 1)
JIAXING = {"id": "jiaxing-intermediate-court-2020", "title": "嘉兴市中级人民法院工作报告（2020年）",
           "institution": "嘉兴市中级人民法院", "institutions": ["嘉兴市中级人民法院"], "years": [2020],
           "date": "2021-02-06", "source": "嘉兴市八届人大六次会议第二次全体会议，院长姚海涛作报告；新闻通讯稿（通讯员 嘉法宣）"}
SPC = {"id": "spc-2019", "title": "最高人民法院工作报告", "institution": "最高人民法院", "years": [2018],
       "date": "2019年3月12日", "source": "第十三届全国人民代表大会第二次会议，见 https://www.court.gov.cn/zixun-xiangqing-a.html。"}
JOINT = {"id": "pinghu-review", "title": "平湖市人民法院、平湖市人民检察院五年工作回顾（2017—2021年）",
         "institution": "平湖市人民法院", "institutions": ["平湖市人民法院", "平湖市人民检察院"], "years": [2017, 2021]}


def test_a_printed_report_with_session_and_date() -> None:
    assert gbt7714(cited(JIAXING), ACCESSED) == (
        "嘉兴市中级人民法院. 嘉兴市中级人民法院工作报告（2020年）: 2021年2月6日在嘉兴市八届人大六次会议第二次全体会议上[R]. 2021.")


def test_an_online_report_is_r_ol_with_its_date_access_date_and_url() -> None:
    assert gbt7714(cited(SPC), ACCESSED) == (
        "最高人民法院. 最高人民法院工作报告: 2019年3月12日在第十三届全国人民代表大会第二次会议上[R/OL]. "
        "(2019-03-12)[2024-05-01]. https://www.court.gov.cn/zixun-xiangqing-a.html.")


def test_missing_fields_are_left_out_never_invented() -> None:
    # no date, no session, no URL: not the years it covers as a publication year, no [出版地不详]
    assert gbt7714(cited(JOINT), ACCESSED) == (
        "平湖市人民法院, 平湖市人民检察院. 平湖市人民法院、平湖市人民检察院五年工作回顾（2017—2021年）[R].")
    assert gbt7714(cited(JOINT | {"date": "2022-01"}), ACCESSED).endswith("[R]. 2022.")
    assert gbt7714(cited(JOINT | {"date": "二〇二二年"}), ACCESSED).endswith("[R].")  # unreadable: no date
    four = cited(JOINT | {"institutions": ["甲", "乙", "丙", "丁"]})
    assert gbt7714(four, ACCESSED).startswith("甲, 乙, 丙, 等. ")
    session_only = cited({"title": "某报告", "institution": "某院", "source": "某市十五届人大三次会议"})
    assert gbt7714(session_only, ACCESSED) == "某院. 某报告: 在某市十五届人大三次会议上[R]."


def test_ris_has_one_tag_per_known_field() -> None:
    text = ris(cited(SPC), ACCESSED, "第 3 段：https://example.org/p/spc-2019/0123456789")
    assert text.endswith("ER  - \r\n") and all(line[2:6] == "  - " for line in text.split("\r\n") if line)
    tags = dict(line.split("  - ", 1) for line in text.split("\r\n") if line and not line.startswith("ER"))
    assert tags == {"TY": "RPRT", "AU": "最高人民法院", "TI": "最高人民法院工作报告", "PB": "最高人民法院", "PY": "2019",
                    "DA": "2019/03/12", "T3": "第十三届全国人民代表大会第二次会议",
                    "UR": "https://www.court.gov.cn/zixun-xiangqing-a.html", "Y2": "2024/05/01",
                    "N1": "第 3 段：https://example.org/p/spc-2019/0123456789"}
    joint = ris(cited(JOINT), ACCESSED)
    assert joint.count("AU  - ") == 2 and "PY" not in joint and "UR" not in joint and "Y2" not in joint


def test_bibtex_is_balanced_and_escaped() -> None:
    entry = bibtex(cited(JOINT | {"title": "50%_增长 {测试} & #1"}), ACCESSED)
    assert entry.startswith("@techreport{pinghu-review,\n")
    assert "author = {{平湖市人民法院} and {平湖市人民检察院}}" in entry
    assert r"title = {50\%\_增长 \{测试\} \& \#1}" in entry
    assert "year" not in entry and "url" not in entry
    depth = 0
    for ch in entry.replace("\\{", "").replace("\\}", ""):
        depth += (ch == "{") - (ch == "}")
        assert depth >= 0
    assert depth == 0
    assert "urldate = {2024-05-01}" in bibtex(cited(SPC), ACCESSED)


@pytest.mark.parametrize("record", [{}, {"title": None, "institution": 3, "date": 2020, "source": ["x"]}])
def test_odd_records_give_a_reference_without_raising(record: dict) -> None:
    c = cited(record)
    assert gbt7714(c, ACCESSED).endswith("[R].") and ris(c, ACCESSED) and bibtex(c, ACCESSED)
