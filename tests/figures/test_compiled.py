"""The compiled figures extractor (setup.py, indexer/compiled.py) gives exactly what its Python source gives.

Both sides run in fresh processes over the bundled reports and thousands of generated texts made of the
pieces extraction looks at (numerals, units, changes, lists, quotes, dates, full-width digits): one process
imports the modules as the install built them (compiled where it could: CI checks it did), the other from
their .py files. Their rows, as a build writes them, must be equal byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from indexer import compiled
from indexer.compiled import COMPILED_MODULES, compiled_state, source_digest, stale_modules

REPO = Path(__file__).resolve().parents[2]

# Runs in the child: argv[1] "pure" or "installed", argv[2] the corpus; prints the extractor kind, then one row a line.
DUMP = r"""
import json, random, sys
from pathlib import Path
from indexer import compiled
if sys.argv[1] == "pure":
    compiled.use_pure_python()
from indexer.figures.extract import paragraph_rows
from indexer.figures.metrics import load_metrics
from indexer.ingest.corpus import load_corpus
from indexer.model import Paragraph
PIECES = ["审结", "受理各类案件", "其中", "同比上升", "同比下降", "分别", "和", "、", "，", "。", "；", "：", "各",
          "1", "23", "4,567", "8.9", "10", "２０２１", "０.５", "百分之", "四十六", "一", "三", "十", "万", "亿", "余", "近", "约",
          "件", "人", "名", "万元", "亿元", "%", "个百分点", "年", "月", "日", "第", "位居全省", "“", "”", "《", "》",
          "结案率", "至", "-", "比上年", "增长", "减少", "2019年", "执行到位金额", "起", "案件", "（", "）", " ", "\n"]
table = load_metrics()
paragraphs = [p for r in load_corpus(Path(sys.argv[2])).reports for p in r.paragraphs]
rng = random.Random(20261203)
for i in range(4000):
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))
    paragraphs.append(Paragraph("generated", i + 1, text, "", "某某法院", (2019, 2020), "generated", "司法为民"))
print(compiled.extractor_kind())
for p in paragraphs:
    for row in paragraph_rows(p, table):
        print(json.dumps(row, ensure_ascii=False))
"""


def _dump(mode: str, corpus: Path) -> tuple[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", DUMP, mode, str(corpus)], capture_output=True, text=True,
                          cwd=REPO, check=True, timeout=300)
    kind, *rows = done.stdout.splitlines()
    return kind, rows


def test_compiled_modules_give_the_rows_their_source_gives(repo_corpus):
    installed_kind, installed = _dump("installed", repo_corpus)
    pure_kind, pure = _dump("pure", repo_corpus)
    assert pure_kind == "python"  # the source really ran on that side
    assert installed_kind == compiled.extractor_kind()
    assert len(installed) > 1000  # the generated texts state figures, not only the bundled reports
    assert installed == pure


def test_a_module_is_stale_when_its_source_is_not_the_one_compiled(tmp_path, monkeypatch):
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source, built = package / "mod.py", package / "mod.cpython-311-x86_64-linux-gnu.so"
    source.write_text("x = 1\n")
    built.write_bytes(b"never loaded: only found")
    monkeypatch.syspath_prepend(str(tmp_path))
    recorded = {"fakepkg.mod": source_digest(source)}  # what setup.py records when it compiles
    assert compiled_state("fakepkg.mod", recorded) == "compiled"
    assert compiled_state("fakepkg.mod", {}) == "compiled"  # no record to compare with
    source.write_text("x = 2\n")  # edited after the build
    assert compiled_state("fakepkg.mod", recorded) == "stale"
    monkeypatch.setattr(compiled, "COMPILED_MODULES", ("fakepkg.mod",))
    monkeypatch.setattr(compiled, "_recorded", lambda: recorded)
    assert stale_modules() == ["fakepkg.mod"] and compiled.extractor_kind() == "python"
    built.unlink()
    assert compiled_state("fakepkg.mod", recorded) == "python" and stale_modules() == []


def test_setup_records_the_digest_of_each_compiled_source(tmp_path):
    package = tmp_path / "indexer"
    for name in COMPILED_MODULES:
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    compiled.write_sources_record(package)
    lines = (package / compiled.SOURCES_RECORD).read_text(encoding="utf-8").splitlines()
    assert lines == [f"{source_digest(tmp_path / (n.replace('.', '/') + '.py'))} {n}" for n in COMPILED_MODULES]
