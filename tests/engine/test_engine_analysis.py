"""The two tokenizers against Whoosh's tokenizer contract, on real seed sentences."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import Analyzer

from indexer.analysis import (
    DEFAULT_DICTIONARY,
    bigram_analyzer,
    dictionary_fingerprint,
    initialize,
    normalize,
    word_analyzer,
)
from tests.helpers import REPO_ROOT


@pytest.fixture(scope="module")
def words() -> Analyzer:
    initialize()
    return word_analyzer()


@pytest.fixture(scope="module")
def sentences(seed_sentences: list[str]) -> list[str]:
    assert len(seed_sentences) > 100
    return seed_sentences


def texts(analyzer: Analyzer, value: str, **kwargs: object) -> list[str]:
    return [t.text for t in analyzer(value, **kwargs)]


def test_normalize_is_one_to_one() -> None:
    original = "Ｅ－ｍａｉｌ：ＰＩＮＧＨＵ　７６．８％，ABC１２３（一）"
    out = normalize(original)
    assert len(out) == len(original)
    assert out == "e-mail:pinghu 76.8%,abc123(一)"
    assert normalize("平湖市人民法院") == "平湖市人民法院"


def test_word_tokens_positions_are_order_and_chars_round_trip(words: Analyzer, sentences: list[str]) -> None:
    for sentence in sentences:
        tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in words(sentence, positions=True, chars=True)]
        assert [pos for _, pos, _, _ in tokens] == list(range(len(tokens)))
        for text, _, start, end in tokens:
            assert normalize(sentence[start:end]) == text
            assert text.strip() and any(ch.isalnum() for ch in text)  # no whitespace/punctuation tokens
        starts = [start for _, _, start, _ in tokens]
        assert starts == sorted(starts)


def test_word_start_pos_start_char_and_mode(words: Analyzer) -> None:
    value = "全力开展诉源治理"
    tokens = [(t.text, t.pos, t.startchar, t.endchar, t.mode) for t in
              words(value, positions=True, chars=True, start_pos=10, start_char=100, mode="query")]
    assert tokens == [("全力", 10, 100, 102, "query"), ("开展", 11, 102, 104, "query"),
                      ("诉源治理", 12, 104, 108, "query")]


def test_word_tokenize_false_yields_whole_value(words: Analyzer) -> None:
    tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in
              words("诉源治理ＡＢ", tokenize=False, positions=True, chars=True, start_pos=3, start_char=5)]
    assert tokens == [("诉源治理ab", 3, 5, 11)]


def test_one_token_object_is_reused(words: Analyzer) -> None:
    ids = {id(t) for t in words("依法从重从快审结涉黑恶及保护伞案件")}
    assert len(ids) == 1


def test_full_width_text_matches_half_width_query_with_original_offsets(words: Analyzer) -> None:
    text = "同比上升７６．８％，ＡＢＣ公司"
    tokens = {t.text: (t.startchar, t.endchar) for t in words(text, chars=True)}
    assert "76.8%" in tokens and "abc" in tokens
    start, end = tokens["76.8%"]
    assert text[start:end] == "７６．８％"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("执行到位金额43.3亿元，同比上升", "43.3亿元"),
        ("结案率同比上升76.8%。", "76.8%"),
        ("推行“3+1”工作机制", "3+1"),
        ("占全部案件的1/2以上", "1/2"),
        ("一审服判息诉率59.62%，位居全市第一", "59.62%"),
        ("全面推行诉源治理“枫桥经验”", "诉源治理"),
        ("切实解决执行难", "执行难"),
        ("推进执行“一件事”改革", "一件事"),
        ("落实少捕慎诉慎押刑事司法政策", "少捕慎诉慎押"),
        ("实现息事罢讼、案结事了", "息事罢讼"),
    ],
)
def test_query_tokenises_like_the_text(words: Analyzer, text: str, query: str) -> None:
    text_tokens = texts(words, text)
    query_tokens = texts(words, query, mode="query")
    assert query_tokens, query
    n = len(query_tokens)
    windows = [text_tokens[i : i + n] for i in range(len(text_tokens) - n + 1)]
    assert query_tokens in windows, (text_tokens, query_tokens)


@pytest.mark.parametrize("token", ["76.8%", "3+1", "1/2", "59.62%", "43.3"])
def test_numbers_survive_as_single_tokens(words: Analyzer, token: str) -> None:
    assert token in texts(words, f"数据显示{token}的案件")


@pytest.mark.parametrize("word", ["诉源治理", "枫桥经验", "执行难", "扫黑除恶", "认罪认罚", "服判息诉率",
                                  "共享法庭", "一件事", "息事无讼", "府院联动", "公益诉讼", "检察建议", "司法救助"])
def test_user_dictionary_words_stay_whole(words: Analyzer, word: str) -> None:
    assert word in texts(words, f"我院大力推进{word}工作")


def test_user_dictionary_size_and_format() -> None:
    lines = DEFAULT_DICTIONARY.read_text(encoding="utf-8").splitlines()
    assert 50 <= len(lines) <= 150
    assert all(line.split()[0] and len(line.split()) <= 3 for line in lines)
    assert len({line.split()[0] for line in lines}) == len(lines)


def test_bigrams_contract_on_seed_sentences(sentences: list[str]) -> None:
    bigrams = bigram_analyzer()
    for sentence in sentences:
        tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in bigrams(sentence, positions=True, chars=True)]
        visible = [(i, ch) for i, ch in enumerate(normalize(sentence)) if not ch.isspace()]
        assert len(tokens) == len(visible) - 1
        for n, (text, pos, start, end) in enumerate(tokens):
            assert pos == n
            assert text == visible[n][1] + visible[n + 1][1]
            assert (start, end) == (visible[n][0], visible[n + 1][0] + 1)
            assert normalize(sentence[start:end]).replace(" ", "").replace("\n", "") == text


def test_bigrams_skip_line_breaks_and_keep_punctuation() -> None:
    bigrams = bigram_analyzer()
    assert texts(bigrams, "全\n力开展“一件事”") == ["全力", "力开", "开展", "展“", "“一", "一件", "件事", "事”"]
    # a substring query tokenises to the same bigrams found consecutively in the text
    assert texts(bigrams, "理改革") == ["理改", "改革"]
    assert texts(bigrams, "治 理改革")[1:] == ["理改", "改革"]


def test_bigrams_edge_cases() -> None:
    bigrams = bigram_analyzer()
    assert texts(bigrams, "") == []
    assert texts(bigrams, "  \n ") == []
    assert [(t.text, t.startchar, t.endchar) for t in bigrams(" 法 ", chars=True)] == [("法", 1, 2)]
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in
            bigrams("Ａ案 件", positions=True, chars=True, start_pos=5, start_char=7)] == [
        ("a案", 5, 7, 9), ("案件", 6, 8, 11)]
    assert [(t.text, t.pos) for t in bigrams("案件审理", tokenize=False, positions=True)] == [("案件审理", 0)]
    assert {t.mode for t in bigrams("案件审理", mode="query")} == {"query"}


def test_analyzers_pickle_small_and_work_after_unpickling(words: Analyzer) -> None:
    data = pickle.dumps(words)
    assert len(data) < 1000  # the dictionary's identity, not a loaded jieba instance
    again = pickle.loads(data)
    assert again == words
    assert texts(again, "深化诉源治理") == texts(words, "深化诉源治理")
    assert texts(pickle.loads(pickle.dumps(bigram_analyzer())), "诉源治理") == ["诉源", "源治", "治理"]


def test_unpickled_analyzer_loads_jieba_in_a_fresh_process(words: Analyzer) -> None:
    code = (
        "import pickle, sys; a = pickle.loads(sys.stdin.buffer.read()); "
        "print(' '.join(t.text for t in a('深化诉源治理，一审服判息诉率59.62%')))"
    )
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(words), capture_output=True,
                          check=True, cwd=REPO_ROOT, timeout=120)
    assert done.stdout.decode().split() == texts(words, "深化诉源治理，一审服判息诉率59.62%")
    assert b"Building prefix dict" not in done.stderr  # jieba's DEBUG chatter stays quiet


def test_import_loads_nothing() -> None:
    code = "import sys, indexer.analysis, indexer.index.schema; print('jieba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=REPO_ROOT,
                          timeout=60, text=True)
    assert done.stdout.strip() == "False"
    assert done.stderr == ""


def test_dictionary_fingerprint_follows_the_bytes(tmp_path: Path) -> None:
    copy = tmp_path / "userdict.txt"
    copy.write_bytes(DEFAULT_DICTIONARY.read_bytes())
    assert dictionary_fingerprint(copy) == dictionary_fingerprint(DEFAULT_DICTIONARY)
    copy.write_bytes(DEFAULT_DICTIONARY.read_bytes() + "新词条 n\n".encode())
    assert dictionary_fingerprint(copy) != dictionary_fingerprint(DEFAULT_DICTIONARY)


def test_custom_dictionary_changes_segmentation(tmp_path: Path) -> None:
    custom = tmp_path / "userdict.txt"
    custom.write_text("理改革试点 n\n", encoding="utf-8")
    assert "理改革试点" in texts(word_analyzer(custom), "治理改革试点工作")
    assert "理改革试点" not in texts(word_analyzer(), "治理改革试点工作")


MIXED = st.text(
    alphabet=st.sampled_from(list("诉源治理执行难一件事平湖法院检察") + list("０１２３４５６７８９ＡＢｃ％．＋／　")
                             + list("0123456789.%+/-abcXYZ ，。；：“”（）《》\n\t\r") + ["\u3000", "\xa0", "é"]),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(value=MIXED)
def test_property_tokens_round_trip_on_any_text(value: str) -> None:
    initialize()
    for analyzer in (word_analyzer(), bigram_analyzer()):
        tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(value, positions=True, chars=True)]
        assert [pos for _, pos, _, _ in tokens] == list(range(len(tokens)))
        for text, _, start, end in tokens:
            assert 0 <= start < end <= len(value)
            assert "".join(normalize(value[start:end]).split()) == text
            assert not any(ch.isspace() for ch in text)
