"""The fixed query mix, drawn deterministically from a generated corpus's own text."""

from __future__ import annotations

import random
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
BODY_END = re.compile(r"[。！？；][”’」』）)]*$")


@dataclass(frozen=True)
class Query:
    """One query of the mix: its kind (for per-kind numbers) and the search arguments."""

    kind: str
    q: str
    institutions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    page: int = 1

    def kwargs(self) -> dict:
        """Keyword arguments for indexer.search.engine.search / NaiveIndex.search."""
        return {"institutions": list(self.institutions), "years": list(self.years), "page": self.page, "per_page": 10}

    def api_params(self) -> list[tuple[str, str]]:
        """The same query as /api/search parameters."""
        params = [("q", self.q)]
        params += [("institution", i) for i in self.institutions]
        params += [("year", y) for y in self.years]
        if self.page != 1:
            params.append(("page", str(self.page)))
        return params


@dataclass
class CorpusText:
    """Body paragraphs (blank-line chunks ending in sentence punctuation) of a corpus, and its catalog."""

    paragraphs: list[str]
    institutions: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)


def read_corpus_text(corpus_dir: Path) -> CorpusText:
    """Body paragraphs of every catalog file (titles and headings have no end punctuation and are left out)."""
    catalog = tomllib.loads((corpus_dir / "catalog.toml").read_text(encoding="utf-8"))
    paras: list[str] = []
    insts: set[str] = set()
    years: set[str] = set()
    for row in catalog.get("report", []):
        insts.add(row["institution"])
        years.add(str(row["year"]))
        text = (corpus_dir / row["file"]).read_text(encoding="utf-8")
        paras.extend(c.strip() for c in text.split("\n\n") if BODY_END.search(c.strip()))
    return CorpusText(paras, sorted(insts), sorted(years))


def build_mix(
    corpus: CorpusText, segment: Callable[[str], list[str]], *, seed: int = 7, sample: int = 3000
) -> list[Query]:
    """At least 200 queries: frequent/rare words, 2-char substrings, phrases, AND, OR, NOT, filters, deep pages."""
    rng = random.Random(seed)
    sample_paras = rng.sample(corpus.paragraphs, min(sample, len(corpus.paragraphs)))
    df: Counter[str] = Counter()
    for para in sample_paras:
        df.update({w for w in segment(para) if CJK_RUN.fullmatch(w)})
    by_freq = [w for w, _ in df.most_common()]
    stop = {"我们", "一个", "进一步", "以及", "已经", "今年", "全年"}
    frequent = [w for w in by_freq[:300] if w not in stop][:60]
    rare = sorted(w for w, n in df.items() if n == 1 and len(w) >= 2)
    rng.shuffle(rare)
    rare = rare[:40]

    def substring(lo: int, hi: int) -> str:
        while True:
            runs = CJK_RUN.findall(rng.choice(sample_paras))
            runs = [r for r in runs if len(r) >= lo]
            if runs:
                run = rng.choice(runs)
                n = rng.randint(lo, min(hi, len(run)))
                start = rng.randint(0, len(run) - n)
                return run[start : start + n]

    years = [str(y) for y in range(2010, 2025)]
    mix: list[Query] = []
    mix += [Query("frequent", w) for w in frequent[:40]]
    mix += [Query("rare", w) for w in rare]
    mix += [Query("bigram", substring(2, 2)) for _ in range(30)]
    mix += [Query("phrase", f'"{substring(4, 8)}"') for _ in range(30)]
    mix += [Query("and", f"{rng.choice(frequent)} {rng.choice(by_freq[:2000])}") for _ in range(20)]
    mix += [Query("or", f"{rng.choice(frequent)} OR {rng.choice(by_freq[:2000])}") for _ in range(20)]
    mix += [Query("not", f"{rng.choice(frequent)} NOT {rng.choice(frequent)}") for _ in range(20)]
    for _ in range(15):
        mix.append(Query("filter", rng.choice(frequent), institutions=(rng.choice(corpus.institutions),)))
    for _ in range(15):
        y = rng.choice(years)
        span = rng.choice([y, f"{int(y) - 4}-{y}" if int(y) >= 2014 else y])
        mix.append(Query("filter", rng.choice(frequent), years=(span,)))
    for _ in range(10):
        mix.append(
            Query("filter", rng.choice(frequent), institutions=tuple(rng.sample(corpus.institutions, min(2, len(corpus.institutions)))),
                  years=(rng.choice(years),))
        )
    mix += [Query("deep", rng.choice(frequent[:20]), page=rng.randint(5, 30)) for _ in range(30)]
    return mix


# Issue 17's mix for the peer comparison (bench/peers.py): words, jieba-split words, a Ctrl-F-only
# substring (理改), quoted phrases, AND, OR and NOT, as users type them. Ours and each peer answer these.
PEER_MIX: tuple[str, ...] = (
    "法院", "执行难", "营商环境", "电信网络诈骗", "司法为民", "改革", '"诉源治理"', "知识产权 保护", "扫黑除恶 OR 黑恶",
    "生态 NOT 环境", "人民", "理改", "农民工", '"人民群众"', "经济 发展", "队伍建设", "疫情", "破产", "教育", "科技创新",
    "乡村振兴", '"高质量发展"', "社会 治理", "公益诉讼", "未成年人", "脱贫", "改革开放", "国有企业", "司法救助", "监督",
)
