"""A small real index with paragraph vectors, made as `reindex --semantic` makes them (issue 20 tests)."""

from __future__ import annotations

from pathlib import Path

from indexer.export import iter_paragraphs
from indexer.index.build import build_index
from indexer.index.semantic import embed_paragraphs, load_embedder, write_vectors
from indexer.index.store import Store

PARAGRAPHS = [
    "依法惩戒失信被执行人，将拒不履行生效判决的被执行人纳入失信名单，限制其高消费。",
    "严厉打击拒不执行判决、裁定犯罪，移送公安机关侦查拒执案件十二件。",
    "妥善审理婚姻家庭纠纷，设立家事审判庭，推行离婚冷静期和家事调查员制度。",
    "加强生态环境司法保护，审理非法捕捞水产品、污染环境案件，修复受损生态。",
    "推进网上立案和跨域立案服务，当事人足不出户即可完成立案。",
    "开展校园法治宣传，检察官担任法治副校长，预防未成年人犯罪。",
]


def write_corpus(folder: Path) -> Path:
    """One report of PARAGRAPHS with its catalog under folder/corpus."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    text = "# 某县人民法院工作报告（2023年）\n\n## 一、主要工作\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
    (corpus / "mouxian-court-2023.txt").write_text(text, encoding="utf-8")
    (corpus / "catalog.toml").write_text('[[report]]\nfile = "mouxian-court-2023.txt"\ntitle = "某县人民法院工作报告（2023年）"\n'
                                         'institution = "某县人民法院"\nyear = 2023\n', encoding="utf-8")
    return corpus


def semantic_index(folder: Path) -> tuple[Path, Path, int]:
    """(corpus, index root, paragraphs embedded) for PARAGRAPHS, the index built and embedded."""
    corpus = write_corpus(folder)
    build_index(corpus, folder / "index", procs=1)
    store = Store(folder / "index")
    opened = store.current()
    with opened.hold():
        ids, hashes, vectors, new = embed_paragraphs(iter_paragraphs(opened), load_embedder(), None)
        write_vectors(folder / "index", opened.build_id, ids, hashes, vectors)
    store.close()
    return corpus, folder / "index", new
