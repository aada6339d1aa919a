"""The index writer's rjieba-accelerated cut gives jieba's words, token for token (indexer/fastwords.py)."""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import generate_corpus
from bench.queries import read_corpus_text
from indexer.analysis import DEFAULT_DICTIONARY, JiebaTokenizer, _index_cut, normalize
from indexer.ingest.corpus import CorpusLoad

TOKENIZER = JiebaTokenizer()


def _differences(texts: list[str], tokenizer: JiebaTokenizer = TOKENIZER) -> list[tuple[str, list, list]]:
    """(text, jieba's spans, the fast spans) wherever they differ."""
    out = []
    for text in texts:
        norm = normalize(text)
        slow, fast = tokenizer.spans(norm), tokenizer.index_spans(norm)
        if slow != fast:
            out.append((text, slow, fast))
    return out


def test_the_fast_path_is_in_use_with_the_bundled_dictionary() -> None:
    # Otherwise every identity test below would compare jieba with itself.
    cut = _index_cut(TOKENIZER.dictionary, TOKENIZER.fingerprint)
    assert not isinstance(cut, functools.partial)


def test_identical_on_every_indexed_value_of_the_bundled_corpus(seed_load: CorpusLoad) -> None:
    values = [v for r in seed_load.reports for p in r.paragraphs for v in (p.text, p.lead, p.section) if v]
    assert len(values) > 200
    assert _differences(values) == []


def test_identical_on_generated_bench_text(tmp_path: Path) -> None:
    # bench/generate.py: the State Council reports in ../shared/benchdata when present, else the bundled prose.
    generate_corpus(3000, tmp_path / "corpus")
    paragraphs = read_corpus_text(tmp_path / "corpus").paragraphs
    assert len(paragraphs) == 3000
    assert _differences(paragraphs) == []


MIXED = [
    "2017-2021年共受理案件1.2万件，同比上升3.5%（ｃｏｖｉｄ－19疫情期间）",
    "B超、T恤和卡拉OK；v2.0版“互联网+”、e-mail、a&b、c#、x_y、1.2.3.4",
    "審判執行工作 堅持　全角ＡＢＣ 43.3亿元，76.8%；1/2和3+1。",
    "生僻字㐀㐁𠀀與鿖鿿、希腊字母αβγ、表情😀，诉源治理枫桥经验认罪认罚",
    "\t\n\r\n  前后空白  \u3000",
]


def test_identical_around_ascii_runs_traditional_characters_and_rare_code_points() -> None:
    assert _differences(MIXED) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["审判", "执行", "枫桥经验", "2017", "-", "ab", "c", "%", ".", "，", " ", "\n",
                                 "＋", "#", "&", "_", "㐀", "鿖", "法", "院", "诉源治理", "一件事", "x9"]),
                max_size=30))
def test_identical_on_random_mixes_of_han_ascii_and_punctuation(pieces: list[str]) -> None:
    assert _differences(["".join(pieces)]) == []


# Runs of characters outside the dictionary with a character repeated: the HMM's Viterbi paths tie exactly
# and jieba-rs breaks ties unlike jieba (found by the random test above: 院院院院法).
TIES = ["院院院院法", "判院院判判院行审院", "院院法院法审法法审审院法法", "法院判法法审审法判执院"]


def test_identical_where_the_hmm_paths_tie() -> None:
    assert _differences(TIES) == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="法院审判执行", min_size=2, max_size=14))
def test_identical_on_repetitive_han_runs(text: str) -> None:
    assert _differences([text]) == []


def test_a_dictionary_rjieba_cannot_mirror_falls_back_to_jieba(tmp_path: Path) -> None:
    # A word twice: jieba counts both frequencies in its total, rjieba cannot be told the first one.
    path = tmp_path / "userdict.txt"
    path.write_bytes(DEFAULT_DICTIONARY.read_bytes() + "诉源治理 n\n".encode())
    tokenizer = JiebaTokenizer(path)
    assert isinstance(_index_cut(tokenizer.dictionary, tokenizer.fingerprint), functools.partial)
    assert _differences(MIXED, tokenizer) == []


def test_the_query_cut_from_a_builds_segmenter_data_is_jiebas(seed_load: CorpusLoad) -> None:
    """Queries are cut with the writer's cut rebuilt from build.json's segmenter data, without loading jieba
    for Han-only text; it gives jieba's spans on the corpus, on ASCII mixes and on random pieces."""
    import json

    data = json.loads(json.dumps(TOKENIZER.segmenter()))  # as build.json stores it
    query_spans = TOKENIZER.query_spans(data)
    assert query_spans is not TOKENIZER.spans
    texts = [v for r in seed_load.reports for p in r.paragraphs for v in (p.text, p.section) if v]
    texts += ["2017-2021年covid-19疫情", "ＡＢＣ１２３全角", "法院", "诉源治理 枫桥经验", "3+1执行", "a", ""]
    different = [t for t in texts if query_spans(normalize(t)) != TOKENIZER.spans(normalize(t))]
    assert different == []


def test_a_han_only_query_is_cut_without_loading_jieba() -> None:
    """The build's cut answers Han text alone; jieba's dictionary loads for a block with letters or digits."""
    import subprocess
    import sys

    script = (
        "import json, jieba, indexer.analysis as a\n"
        "t = a.JiebaTokenizer()\n"
        "data = json.loads(open(0).read())\n"
        "spans = t.query_spans(data)\n"
        "print(spans(a.normalize('深化诉源治理改革')))\n"
        "print(jieba.dt.initialized, a._jieba_instance.cache_info().currsize)\n"
        "print(spans(a.normalize('covid疫情')))\n"
        "print(a._jieba_instance.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], input=json_segmenter(), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "[('深化', 0, 2), ('诉源治理', 2, 6), ('改革', 6, 8)]"
    assert out[1] == "False 0"  # no jieba instance was loaded for the Han-only query
    assert "covid" in out[2] and out[3] == "1"  # …and one is for a block with letters


def json_segmenter() -> str:
    import json

    return json.dumps(TOKENIZER.segmenter())
