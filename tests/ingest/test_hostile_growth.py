"""Every parser and detector takes time linear in its input, on inputs built to make regexes backtrack.

Each input (bench/data/hostile_files.py) is timed at n and 4n; the larger may cost at most 10× the
smaller in CPU time (linear: 4×, quadratic: 16×; tests/helpers/growth.py). A text input goes through
everything a .txt file goes through in the parsing child (decoding, markup stripping, layout, metadata
detection, themes, paragraph splitting); documents through formats.extract and layout; the word analyzer
(the index writer's, outside the child) gets the number-heavy and repetitive inputs.
"""

from __future__ import annotations

import functools

import pytest

from bench.data import hostile_files as hf
from indexer.ingest.formats import FormatError, FormatOptions, extract
from indexer.ingest.layout import parse_blocks
from indexer.ingest.reading import FileJob, read_job, split_long
from indexer.ingest.themes import load_taxonomy
from tests.helpers.growth import assert_linear

pytestmark = pytest.mark.slow
OPTIONS = FormatOptions(isolate=False, max_pages=100_000, max_page_chars=10**7, max_ocr_pages=10**6)


@functools.cache
def _taxonomy():
    return load_taxonomy()


def read_text_file(data: bytes) -> None:
    """A .txt report without a catalog entry, as the parsing child reads it."""
    result = read_job(FileJob("hostile.txt", "hostile", data), taxonomy=_taxonomy(), formats=OPTIONS, catalog_broken=False)
    assert result.report is not None or result.skipped


def read_document(name: str, data: bytes) -> None:
    """A document: its format's reader, then layout."""
    try:
        parse_blocks(extract(data, name, OPTIONS).text)
    except FormatError:
        pass  # refused (no text, nested too deeply…): refusing must be linear too


@pytest.mark.parametrize("name", sorted(hf.TEXT))
def test_text_reading_is_linear(name):
    make, n = hf.TEXT[name]
    assert_linear(read_text_file, lambda k: make(k).encode("utf-8"), n)


@pytest.mark.parametrize("name", sorted(hf.DOCUMENTS))
def test_document_reading_is_linear(name):
    make, n = hf.DOCUMENTS[name]
    assert_linear(functools.partial(read_document, "hostile" + hf.suffix(name)), make, n)


@pytest.fixture(scope="module")
def index_words():
    """The index writer's word analyzer over a text's paragraphs (cut at MAX_PARAGRAPH as reading does).

    jieba is loaded once for the module, not at import. The writer cuts pure-Han runs with rjieba and mixed
    blocks with jieba, whose HMM copies its path per character (quadratic within one run of unknown
    characters): linear per file only because no field it analyses is longer than MAX_PARAGRAPH.
    """
    from indexer.analysis import JiebaTokenizer, normalize

    tokenizer = JiebaTokenizer()
    tokenizer.warm_index()
    return lambda text: [tokenizer.index_spans(normalize(chunk)) for chunk in split_long(text)]


@pytest.mark.parametrize("make", [
    lambda n: "1+" * n + "1a", lambda n: "1.5/" * n + "2.5a", lambda n: "3+1/2.5%" * n, lambda n: "1" * n + "a",
    lambda n: "x1" * n, lambda n: "市" * n, lambda n: "a" + "市" * n, lambda n: ("a" + "市" * 99) * (n // 100), lambda n: "a" * n,
], ids=["plus-chain", "slash-decimals", "number-mix", "digits", "letters-digits", "one-character", "latin-then-han",
        "mixed-blocks", "latin-run"])
def test_index_word_analyzer_is_linear(index_words, make):
    assert_linear(index_words, make, 8_000)
