"""A corpus for the figures' interfaces: the bundled reports plus a court's five-year review and its annual report
that state different 2021 caseloads (a conflict the table must show side by side), and a third year."""

from __future__ import annotations

import shutil
from pathlib import Path

INSTITUTION = "湖滨市人民法院"
REVIEW_TEXT = """# 湖滨市人民法院五年工作回顾

## 一、审判执行工作

五年来，全院共新收各类案件5.2万件，审结5.1万件。2021年新收各类案件12000件。

执行到位金额18.6亿元，同比上升12.5%。
"""
ANNUAL_2021_TEXT = """# 湖滨市人民法院工作报告

## 一、审判执行工作

全年新收各类案件11800件，审结11500件，结案率97.5%。
"""
ANNUAL_2020_TEXT = """# 湖滨市人民法院工作报告

## 一、审判执行工作

全年新收各类案件10400件，审结10100件，结案率96.8%。
"""
REPORTS = (
    ("hubin-court-2017-2021.txt", "湖滨市人民法院五年工作回顾（2017—2021年）", '"2017-2021"', REVIEW_TEXT),
    ("hubin-court-2021.txt", "湖滨市人民法院工作报告（2021年）", "2021", ANNUAL_2021_TEXT),
    ("hubin-court-2020.txt", "湖滨市人民法院工作报告（2020年）", "2020", ANNUAL_2020_TEXT),
)


def write_figure_corpus(src: Path, dst: Path) -> Path:
    """dst: a copy of the corpus at src plus the three 湖滨 reports (appended to its catalog)."""
    shutil.copytree(src, dst)
    with (dst / "catalog.toml").open("a", encoding="utf-8") as fh:
        for name, title, year, text in REPORTS:
            (dst / name).write_text(text, encoding="utf-8")
            fh.write(f'\n[[report]]\nfile = "{name}"\ntitle = "{title}"\ninstitution = "{INSTITUTION}"\nyear = {year}\n')
    return dst
