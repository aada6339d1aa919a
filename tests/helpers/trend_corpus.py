"""A generated multi-year, multi-institution corpus for the trends tests: report files + catalog.toml.

Each institution "adopts" 诉源治理 in its own year (one never does), 扫黑除恶 appears only 2018–2020,
枫桥经验 anywhere; two institutions have a 2017–2021 review (a range report counts in each year, so it
can move an institution's first mention earlier). Seeded, so every run writes the same corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

ADOPTION = {  # institution → first year its reports may say 诉源治理 (None: never)
    "甲市人民法院": 2015,
    "乙市人民法院": 2018,
    "丙县人民法院": 2019,
    "丁市人民检察院": 2021,
    "戊区人民法院": None,
    "己县人民检察院": 2020,
}
SLUGS = dict(zip(ADOPTION, ("jia", "yi", "bing", "ding", "wu", "ji")))
YEARS = range(2014, 2023)
RANGE_REPORTS = {"丁市人民检察院": (2017, 2021), "乙市人民法院": (2016, 2020)}
HEADINGS = ("一、坚持服务大局，保障高质量发展", "二、践行司法为民，回应群众需求", "三、加强队伍建设，锻造过硬队伍")
FILLER = (
    "全年受理各类案件{n}件，审结{m}件，结案率同比提高{k}个百分点。",
    "坚持公正司法，依法平等保护各类市场主体合法权益，营商环境持续优化。",
    "推进智慧法院建设，网上立案{n}件，电子送达{m}次，便民服务更加高效。",
    "加强生态环境司法保护，审理环境资源案件{k}件，守护绿水青山。",
    "强化审判监督管理，发回改判率下降{k}个百分点，司法质效稳步提升。",
    "开展教育整顿，查处违纪违法干警{k}人，队伍作风明显好转。",
    "主动接受人大监督，办理代表建议{k}件，邀请代表旁听庭审{n}人次。",
)
TERMS = {
    "诉源治理": "深化诉源治理，推动矛盾纠纷源头化解，诉前化解纠纷{n}件。",
    "扫黑除恶": "深入开展扫黑除恶专项斗争，审结涉黑涉恶案件{k}件。",
    "枫桥经验": "坚持和发展新时代枫桥经验，人民调解成功{m}件。",
}


def _paragraph(rng: random.Random, inst: str, years: tuple[int, ...]) -> str:
    parts = [rng.choice(FILLER) for _ in range(rng.randint(1, 3))]
    adopted = ADOPTION[inst]
    if adopted is not None and years[-1] >= adopted and rng.random() < 0.3:
        parts.insert(rng.randrange(len(parts) + 1), TERMS["诉源治理"])
    if any(2018 <= y <= 2020 for y in years) and rng.random() < 0.25:
        parts.insert(rng.randrange(len(parts) + 1), TERMS["扫黑除恶"])
    if rng.random() < 0.12:
        parts.append(TERMS["枫桥经验"])
    return "".join(p.format(n=rng.randint(100, 9999), m=rng.randint(100, 9999), k=rng.randint(2, 99)) for p in parts)


def _report(rng: random.Random, inst: str, years: tuple[int, ...]) -> str:
    label = f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
    lines = [f"# {inst}工作报告（{label}）", ""]
    for heading in HEADINGS:
        lines += [f"## {heading}", ""]
        for _ in range(rng.randint(2, 5)):
            lines += [_paragraph(rng, inst, years), ""]
    return "\n".join(lines)


def write_trend_corpus(folder: Path, seed: int = 13) -> Path:
    """Write the corpus into folder (created); returns it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    catalog: list[str] = []
    for inst, slug in SLUGS.items():
        spans: list[tuple[int, ...]] = [(y,) for y in YEARS if rng.random() < 0.8]
        if inst in RANGE_REPORTS:
            first, last = RANGE_REPORTS[inst]
            spans = [s for s in spans if not first <= s[0] <= last] + [tuple(range(first, last + 1))]
        for years in spans:
            name = f"{slug}-{years[0]}" + (f"-{years[-1]}" if len(years) > 1 else "") + ".txt"
            (folder / name).write_text(_report(rng, inst, years), encoding="utf-8")
            year_value = f'"{years[0]}-{years[-1]}"' if len(years) > 1 else str(years[0])
            catalog += ["[[report]]", f'file = "{name}"', f'title = "{inst}工作报告（{name[:-4]}）"',
                        f'institution = "{inst}"', f"year = {year_value}", ""]
    (folder / "catalog.toml").write_text("\n".join(catalog), encoding="utf-8")
    return folder
