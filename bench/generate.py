"""Deterministic generator of a scaled corpus: real official prose recombined into court/procuratorate reports.

Sentences come from `../shared/benchdata/government_work_reports.jsonl` (read at run time, never copied
into the repository) and from the bundled `corpus/`, plus a few statistic templates; where the benchmark
prose is absent (a fresh clone) the bundled `corpus/` alone is the pool, said on stderr and in the results; they are recombined
at sentence level into paragraphs whose lengths follow the real reports' distribution, organised into
reports with numbered section headings, for a catalog of institutions made from real place names.
Output: report files + `catalog.toml` in the exact catalog format, so `reportsearch reindex` ingests it.

    .venv/bin/python -m bench.generate --paragraphs 100000 --out /tmp/reportsearch-bench/corpus-100000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.places import PLACES
from indexer.limits import title_years, year_label

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHDATA = REPO_ROOT.parent / "shared" / "benchdata" / "government_work_reports.jsonl"
DEFAULT_OUT = Path("/tmp/reportsearch-bench")
YEARS = tuple(range(2010, 2025))
SENTENCE = re.compile(r"[^。！？；]*[。！？；][”’」』）)]*")
END_PUNCT = re.compile(r"[。！？；：]")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
TRADITIONAL_MARKERS = set("們國這會發來時對說開長還與區當學產機關經爲為實黨")
NUMERALS = "一二三四五六七八九十"
ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、，.]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[，、]"
                        r"|\d+[.、．]|[”’」』）)])")

# Section headings (our own wording, in the style of real reports), by the theme they belong to.
COURT_HEADINGS = {
    "服务大局": ["坚持服务大局，全力护航经济社会高质量发展", "聚焦中心工作，优化法治化营商环境", "依法履职尽责，服务保障发展大局"],
    "平安": ["依法惩治犯罪，维护社会安全稳定", "贯彻总体国家安全观，推进更高水平平安建设", "深化扫黑除恶常态化，守护一方平安"],
    "司法为民": ["践行司法为民宗旨，切实保障群众合法权益", "坚持以人民为中心，回应群众司法需求", "深化诉源治理，推动矛盾纠纷实质化解"],
    "改革创新": ["深化司法体制综合配套改革，提升审判质效", "推进数字法院建设，提高司法效率", "落实司法责任制，促进公正高效权威司法"],
    "接受监督": ["自觉接受监督，确保司法权依法正确行使", "主动接受人大监督和政协民主监督", "坚持司法公开，以公开促公正"],
    "队伍建设": ["坚持从严治院，锻造过硬法院队伍", "加强政治建设，筑牢忠诚司法根基", "全面从严管党治警，持续正风肃纪"],
}
PROCURATORATE_HEADINGS = {
    "服务大局": ["立足检察职能，服务保障经济社会发展", "优化法治化营商环境，依法平等保护各类市场主体", "主动融入大局，助力高质量发展"],
    "平安": ["依法履行刑事检察职能，维护国家安全和社会稳定", "严厉打击各类刑事犯罪，守护群众安宁", "常态化开展扫黑除恶斗争"],
    "司法为民": ["践行以人民为中心，做实为民办实事", "加强未成年人检察工作，守护未成年人健康成长", "深化控告申诉检察，用心办好群众信访"],
    "改革创新": ["全面深化检察改革，提升法律监督质效", "推进数字检察建设，以大数据赋能法律监督", "做优民事行政公益诉讼检察"],
    "接受监督": ["自觉接受人大监督，确保检察权规范运行", "深化检务公开，接受社会监督"],
    "队伍建设": ["坚持全面从严治检，建设高素质检察队伍", "加强政治建设，推动党建与业务深度融合", "锻造忠诚干净担当的检察铁军"],
}
SUB_HEADINGS = [
    "依法惩治刑事犯罪", "妥善审理民商事案件", "加强行政审判工作", "攻坚解决执行难", "护航民营经济发展",
    "服务乡村全面振兴", "加强生态环境司法保护", "强化知识产权保护", "深化多元解纷机制", "推进智慧法院建设",
    "深化审判权运行机制改革", "加强诉讼服务中心建设", "维护妇女儿童合法权益", "严格落实全面从严治党",
    "加强基层基础建设", "提升干警履职能力", "强化审判监督管理", "做实少年审判工作", "推进破产审判工作",
    "加强刑事检察工作", "做实民事检察监督", "推进行政检察监督", "积极稳妥开展公益诉讼", "强化刑事执行检察",
]
LEADS = [
    "坚持政治引领。", "深化诉源治理。", "强化执行攻坚。", "服务保障营商环境优化。", "加强生态环境保护。",
    "严惩各类犯罪。", "推进司法公开。", "完善便民诉讼服务。", "加强未成年人保护。", "深化司法责任制改革。",
    "提升审判质效。", "强化队伍建设。", "自觉接受监督。", "推进数字化改革。", "维护社会稳定。",
]
CLOSING_HEADINGS = ["{next}年工作安排", "今后工作打算", "{next}年工作思路"]
INTRO_TEMPLATES = [
    "{year}，{short}在{city}委坚强领导下，在市人大及其常委会有力监督下，坚持以习近平新时代中国特色社会主义思想为指导，"
    "全面履行职责，各项工作取得新进展。",
    "过去一年，{short}认真贯彻党中央决策部署，紧紧围绕中心工作，忠实履行宪法法律赋予的职责。",
]
STAT_TEMPLATES = [
    "全年共受理各类案件{a}件，审结{b}件，同比分别上升{p}%和{q}%。",
    "审结一审刑事案件{a}件，判处罪犯{b}人。",
    "执结案件{a}件，执行到位金额{x}亿元。",
    "审结涉企纠纷案件{a}件，帮助{b}家企业化解纠纷。",
    "办理审查逮捕案件{a}件{b}人，提起公诉{c}件{d}人。",
    "立案办理公益诉讼案件{a}件，发出诉前检察建议{b}件。",
    "开展巡回审判{a}次，发出司法建议{b}份。",
    "{short}被评为全省{unit}先进集体，{b}名干警受到省级以上表彰。",
    "诉前调解成功纠纷{a}件，调解成功率{p}%。",
    "接待来信来访群众{a}人次，做到件件有回复。",
]


@dataclass(frozen=True)
class Institution:
    """A generated institution: full name, short name used in prose, city, kind and file-name slug."""

    name: str
    short: str
    city: str
    kind: str  # "court" | "procuratorate"
    slug: str


@dataclass
class GeneratedCorpus:
    """What generate_corpus wrote."""

    path: Path
    reports: int
    paragraphs: int
    characters: int
    institutions: int
    prose: str  # where the sentences came from: prose_source()


def all_institutions() -> list[Institution]:
    """Every institution the place lists yield: intermediate courts and city procuratorates, basic ones of counties."""
    out: list[Institution] = []
    for p_idx, (province, cities) in enumerate(PLACES.items()):
        for c_idx, (city, counties) in enumerate(cities.items()):
            base = f"p{p_idx}c{c_idx:02d}"
            out.append(Institution(f"{city}中级人民法院", f"{city[:-1]}中院", city, "court", f"{base}-int-court"))
            out.append(Institution(f"{city}人民检察院", f"{city[:-1]}市检察院", city, "procuratorate", f"{base}-procuratorate"))
            for k_idx, county in enumerate(counties):
                full = f"{city}{county}" if county.endswith("区") else county
                short = county[:-1] if len(county) > 2 else county
                slug = f"{base}k{k_idx:02d}"
                out.append(Institution(f"{full}人民法院", f"{short}法院", city, "court", f"{slug}-court"))
                out.append(Institution(f"{full}人民检察院", f"{short}检察院", city, "procuratorate", f"{slug}-procuratorate"))
    return out


def _clean_lines(chunk: str) -> str:
    """Join a blank-line chunk's hard-wrapped lines (wiki links left stray breaks), drop indents and markup."""
    lines = [ln.strip(" \t\u3000■*#") for ln in chunk.split("\n")]
    return "".join(ln for ln in lines if ln).translate(FULLWIDTH_DIGITS)


def _sentences(text: str) -> list[str]:
    """Whole sentences of 8..200 characters; enumerated ones ("一、…", "（二）…") left out: they read as headings."""
    found = (m.group(0).strip() for m in SENTENCE.finditer(text))
    return [s for s in found if 8 <= len(s) <= 200 and not ENUMERATED.match(s)]


def prose_source(benchdata: Path) -> str:
    """Which sentence pool a run uses: the benchmark prose when the file is there, else the bundled corpus."""
    return f"benchmark prose {benchdata.name}" if benchdata.is_file() else "bundled corpus/ only (benchmark prose absent)"


def _paragraphs(text: str) -> list[str]:
    """A text's blank-line chunks, cleaned, that read as prose paragraphs (20+ characters, with punctuation)."""
    cleaned = (_clean_lines(chunk) for chunk in re.split(r"\n\s*\n", text))
    return [para for para in cleaned if len(para) >= 20 and END_PUNCT.search(para)]


def load_prose(benchdata: Path, seeds_dir: Path) -> tuple[list[str], list[str], list[int]]:
    """Sentence pools (government reports, bundled court reports) and real body-paragraph lengths.

    Without the benchmark prose (a fresh clone has no ../shared) the bundled reports are both pools, so the
    generator and the smoke benchmark still run; stderr says so, since the figures are then not comparable.
    """
    seeds: list[str] = []
    seed_lengths: list[int] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        for para in _paragraphs(path.read_text(encoding="utf-8")):
            if "电话" not in para:
                seeds.extend(_sentences(para))
                seed_lengths.append(len(para))
    if not benchdata.is_file():
        print(f"bench: benchmark prose not found at {benchdata}: using the bundled {seeds_dir} as the prose pool "
              "(figures not comparable with bench/RESULTS.md; pass --benchdata PATH for the full pool)",
              file=sys.stderr)
        if not seeds:
            raise ValueError(f"no usable prose in {seeds_dir}")
        return seeds, seeds, seed_lengths
    gov: list[str] = []
    lengths: list[int] = []
    with benchdata.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            year = row.get("year")
            if not year or int(year) < 1978:  # resolutions have no year; the oldest reports are dated
                continue
            content = row["content"]
            if sum(ch in TRADITIONAL_MARKERS for ch in content) > 20:  # traditional characters
                continue
            for para in _paragraphs(content):
                gov.extend(_sentences(para))
                lengths.append(len(para))
    if not gov:
        raise ValueError(f"no usable prose in {benchdata}")
    # court paragraphs are shorter than State Council ones: weight the seeds' lengths up
    return gov, seeds, lengths + seed_lengths * max(1, len(lengths) // max(1, len(seed_lengths)))


class ReportWriter:
    """Writes one report's text from the sentence pools (all randomness from the shared rng)."""

    def __init__(self, rng: random.Random, gov: list[str], seeds: list[str], lengths: list[int]) -> None:
        self.rng, self.gov, self.seeds, self.lengths = rng, gov, seeds, lengths

    def sentence(self, inst: Institution) -> str:
        r = self.rng.random()
        if r < 0.12 and self.seeds:
            return self.rng.choice(self.seeds)
        if r < 0.22:
            rng = self.rng
            return rng.choice(STAT_TEMPLATES).format(
                a=rng.randint(10, 30000), b=rng.randint(5, 9000), c=rng.randint(5, 3000), d=rng.randint(5, 4000),
                p=round(rng.uniform(0.5, 99), 1), q=round(rng.uniform(0.5, 60), 1), x=round(rng.uniform(0.1, 90), 2),
                short=inst.short, unit="法院" if inst.kind == "court" else "检察机关",
            )
        return self.rng.choice(self.gov)

    def paragraph(self, inst: Institution, lead: bool) -> str:
        target = self.rng.choice(self.lengths)
        parts = [self.rng.choice(LEADS)] if lead else []
        size = sum(map(len, parts))
        while size < target or len(parts) < 1 + int(lead):
            s = self.sentence(inst)
            parts.append(s)
            size += len(s)
        return "".join(parts)

    def report(self, inst: Institution, years: tuple[int, ...], n_paragraphs: int) -> str:
        """Title, intro paragraph(s), numbered sections (with （一） subsections when long), closing section."""
        rng = self.rng
        label = title_years(years[0], years[-1])
        out = [f"{inst.name}工作报告（{label}）"]
        n_intro = 1 if n_paragraphs < 8 else 2
        out.append(INTRO_TEMPLATES[0].format(year=label, short=inst.short, city=inst.city[:-1] + "市"))
        remaining = n_paragraphs - 1
        if n_intro == 2:
            out.append(self.paragraph(inst, lead=False))
            remaining -= 1
        pools = COURT_HEADINGS if inst.kind == "court" else PROCURATORATE_HEADINGS
        themes = list(pools)
        rng.shuffle(themes)
        closing = min(remaining, max(1, remaining // 12)) if remaining >= 4 else 0
        body = remaining - closing
        n_sections = max(1, min(len(themes), body // 6 or 1)) if body else 0
        sizes = _split(body, n_sections, rng)
        for i, size in enumerate(sizes):
            out.append(f"{NUMERALS[i]}、{rng.choice(pools[themes[i]])}")
            n_subs = size // 5 if size >= 10 else 0
            sub_sizes = _split(size, min(n_subs, 9), rng) if n_subs else [size]
            for j, sub in enumerate(sub_sizes):
                if n_subs:
                    out.append(f"（{NUMERALS[j]}）{rng.choice(SUB_HEADINGS)}")
                for _ in range(sub):
                    out.append(self.paragraph(inst, lead=rng.random() < 0.3))
        if closing:
            out.append(f"{NUMERALS[len(sizes)]}、{rng.choice(CLOSING_HEADINGS).format(next=years[-1] + 1)}")
            for _ in range(closing):
                out.append(self.paragraph(inst, lead=False))
        return "\n\n".join(out) + "\n"


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """total split into `parts` positive-ish random sizes that sum to total."""
    if parts <= 1:
        return [total]
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[-1] += total - sum(sizes)
    while sizes[-1] < 1:  # rounding took too much from the last one: borrow from the largest
        big = sizes.index(max(sizes))
        sizes[big] -= 1
        sizes[-1] += 1
    return sizes


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def generate_corpus(
    paragraphs: int,
    out: Path,
    *,
    seed: int = 20240101,
    benchdata: Path = DEFAULT_BENCHDATA,
    seeds_dir: Path = REPO_ROOT / "corpus",
    mean_report_paragraphs: int = 60,
) -> GeneratedCorpus:
    """Write a corpus of exactly `paragraphs` body paragraphs plus catalog.toml into `out` (must be empty or absent)."""
    if paragraphs < 1:
        raise ValueError("paragraphs must be at least 1")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: pass a new folder")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    gov, seeds, lengths = load_prose(benchdata, seeds_dir)
    everyone = all_institutions()
    n_inst = min(len(everyone), max(20, paragraphs // 300))
    chosen = rng.sample(everyone, n_inst)
    n_reports = max(1, min(round(paragraphs / mean_report_paragraphs), n_inst * len(YEARS)))
    slots = [(i, y) for i in range(n_inst) for y in YEARS]
    rng.shuffle(slots)
    slots = sorted(slots[:n_reports])
    counts = _split(paragraphs, n_reports, rng)
    writer = ReportWriter(rng, gov, seeds, lengths)
    catalog = [
        "# Generated benchmark corpus (bench/generate.py): real official prose recombined; not real reports.",
        f"# seed = {seed}, paragraphs = {paragraphs}. One [[report]] table per file.",
        "",
    ]
    chars = 0
    for (inst_idx, year), count in zip(slots, counts):
        inst = chosen[inst_idx]
        # about one report in 16 is a five-year review (e.g. 2018-2022)
        if year <= 2020 and rng.random() < 0.06:
            years = tuple(range(year, year + 5))
            year_value = _toml_str(year_label(year, year + 4))
            title = f"{inst.name}五年工作回顾（{title_years(year, year + 4)}）"
            file = f"{inst.slug}-{year}-{year + 4}.txt"
        else:
            years = (year,)
            year_value = str(year)
            title = f"{inst.name}工作报告（{year}年）"
            file = f"{inst.slug}-{year}.txt"
        text = writer.report(inst, years, count)
        chars += len(text)
        (out / file).write_text(text, encoding="utf-8")
        date = f"{years[-1] + 1}-{rng.randint(1, 2):02d}-{rng.randint(1, 28):02d}"
        catalog += [
            "[[report]]",
            f"file = {_toml_str(file)}",
            f"title = {_toml_str(title)}",
            f"institution = {_toml_str(inst.name)}",
            f"year = {year_value}",
            f"date = {_toml_str(date)}",
            f"source = {_toml_str(inst.city + '人民代表大会会议文件（基准测试生成）')}",
            "",
        ]
    (out / "catalog.toml").write_text("\n".join(catalog), encoding="utf-8")
    return GeneratedCorpus(out, n_reports, paragraphs, chars, n_inst, prose_source(benchdata))


def ensure_corpus(n: int, root: Path, seed: int, benchdata: Path) -> Path:
    """The generated corpus for n paragraphs under root, generated unless an identical one is already there."""
    corpus = root / f"corpus-{n}"
    marker = corpus / ".bench-generated.json"
    want = {"paragraphs": n, "seed": seed, "prose": prose_source(benchdata)}  # a fallback corpus is not reused later
    if marker.exists() and json.loads(marker.read_text()) == want:
        return corpus
    if corpus.exists():
        shutil.rmtree(corpus)
    generate_corpus(n, corpus, seed=seed, benchdata=benchdata)
    marker.write_text(json.dumps(want))
    return corpus


def main(argv: list[str] | None = None) -> None:
    """Command line: generate one corpus."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=None, help="empty folder [/tmp/reportsearch-bench/corpus-N]")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--benchdata", type=Path, default=DEFAULT_BENCHDATA)
    args = ap.parse_args(argv)
    out = args.out or DEFAULT_OUT / f"corpus-{args.paragraphs}"
    g = generate_corpus(args.paragraphs, out, seed=args.seed, benchdata=args.benchdata)
    print(f"{g.path}: {g.reports} reports, {g.paragraphs} paragraphs, {g.characters} characters, "
          f"{g.institutions} institutions; prose: {g.prose}")


if __name__ == "__main__":
    main()
