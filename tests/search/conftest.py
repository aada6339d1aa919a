"""Search fixtures: real indexes built with indexer.index.build.build_index in temporary folders.

`seed_store`: the bundled corpus, indexed once per session (tests/conftest.py `seed_index`). `fixture_store`: a small corpus of our own,
written as report files + catalog.toml, with the cases the seeds lack (substring-only vs whole-word
matches, a long paragraph, markup, several institutions and years).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.export import iter_paragraphs
from indexer.index.build import build_index
from indexer.index.store import Store

FIXTURE_FILES = {
    "alpha-court-2019.txt": """# 甲市人民法院工作报告

## 一、深化诉源治理

持续深化诉源治理改革，创新发展新时代枫桥经验，率先打造息事无讼工作品牌。

推进国家治理改革，完善基层社会治理体系，推动治理改革向纵深发展，治理改革成效明显。

深化“息事罢讼”工作，执结案件4.5万件，执行到位43.3亿元，全国法院“3+1”执行核心指标位居前列。

## 二、加强刑事审判

一审刑事案件认罪认罚适用率76.8%，同比上升12.5个百分点，依法从宽处理。

""",
    "beta-procuratorate-2017-2021.txt": """# 乙市人民检察院五年工作回顾

## 一、服务大局

坚持改革开放，改革开放不断深化，改革开放成果丰硕，始终坚持改革开放。

全面落实司法责任制改革，检察改革取得新进展，司法改革持续深化。

## 二、司法为民

深化家事审判改革，建立家事调查员制度，家事纠纷化解率明显提升。

办理公益诉讼案件287件，发出诉前检察建议262件。
""",
    "gamma-court-2020.txt": """# 丙市中级人民法院工作报告

## 一、执行工作

切实解决执行难，执行到位金额4.8亿元，执行完毕率位居全省前列。

开展夜间集中执行行动，打击拒执犯罪，执行质效持续提升。

## 二、队伍建设

锤炼优良纪律作风，深化清廉法院建设，营造风清气正的司法环境。
""",
}

FIXTURE_CATALOG = """
[[report]]
file = "alpha-court-2019.txt"
title = "甲市人民法院工作报告（2019年）"
institution = "甲市人民法院"
year = 2019

[[report]]
file = "beta-procuratorate-2017-2021.txt"
title = "乙市人民检察院五年工作回顾（2017—2021年）"
institution = "乙市人民检察院"
year = "2017-2021"

[[report]]
file = "gamma-court-2020.txt"
title = "丙市中级人民法院工作报告（2020年）"
institution = "丙市中级人民法院"
year = 2020
"""


@pytest.fixture(scope="session")
def seed_store(seed_index: Path) -> Store:
    """The Store over the session's index of the bundled corpus (tests/conftest.py)."""
    return Store(seed_index)


@pytest.fixture(scope="session")
def seed_paragraphs(seed_store: Store) -> list[dict]:
    """Every indexed seed paragraph (export shape), in report order."""
    return list(iter_paragraphs(seed_store))


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our own small corpus as files + catalog.toml."""
    corpus = tmp_path_factory.mktemp("fixture") / "corpus"
    corpus.mkdir()
    for name, text in FIXTURE_FILES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    (corpus / "catalog.toml").write_text(FIXTURE_CATALOG, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def fixture_store(fixture_corpus: Path) -> Store:
    """The Store over an index of the fixture corpus."""
    root = fixture_corpus.parent / "index"
    summary = build_index(fixture_corpus, root, procs=1)
    assert not summary.skipped, summary.skipped
    return Store(root)


@pytest.fixture(scope="session")
def fixture_paragraphs(fixture_store: Store) -> list[dict]:
    """Every indexed fixture paragraph (export shape)."""
    return list(iter_paragraphs(fixture_store))
