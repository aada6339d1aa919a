"""Chinese analysis for the index: jieba word tokens and overlapping character bigrams, as Whoosh analyzers.

Both tokenizers honour Whoosh's tokenizer contract (see whoosh/analysis/tokenizers.py RegexTokenizer):
one reused Token; ``positions`` are token order numbers from ``start_pos``; ``startchar``/``endchar``
are offsets into the ORIGINAL text (plus ``start_char``), so ``text[t.startchar:t.endchar]`` is the
matched passage; ``mode`` and ``removestops`` are passed to the Token; ``tokenize=False`` yields the
whole (normalised) value as one token.

Matching is done on ``normalize(text)``: full-width forms fold to half-width, ASCII letters to lower
case and traditional Chinese characters to simplified ones, one character to one, so every offset found
in the normalised text is an offset in the original (and highlights mark the characters as they stand).
The traditional → simplified fold is OpenCC's t2s conversion applied character by character (context
free): a word-level conversion could turn a substring differently from the text around it, and then a
quoted phrase would no longer match exactly what Ctrl-F over the folded text finds. Every character
OpenCC maps to exactly one character is folded; the rare one-to-many results are left as they stand.

Word tokens: a regex pre-pass keeps numbers with percent signs and compound numbers as single tokens
(``76.8%``, ``59.62%``, ``3+1``, ``1/2``, ``43.3``); the rest is cut by a private jieba instance with the
legal-domain user dictionary (HMM on). ``43.3亿元`` becomes ``43.3`` + ``亿元``, identically in a query
and in a paragraph, so the query finds it as a phrase. Whitespace and punctuation tokens are dropped.

Bigram tokens: overlapping pairs of non-whitespace characters (whitespace and line breaks are skipped,
so a substring broken by a space or line break still matches; punctuation is kept, so a quoted phrase
matches exactly). A value with exactly one non-whitespace character yields that character as a single
token (so a one-character query is not silently empty); otherwise the last character of a text adds no
extra token, since it is already the second half of the last bigram.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from whoosh.analysis import Analyzer, CompositeAnalyzer, Token, Tokenizer

from indexer.index.version import INDEX_FORMAT_VERSION
from indexer.once import made_once

DEFAULT_DICTIONARY: Path = Path(__file__).resolve().parent / "userdict.txt"

_FULLWIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}  # ！..～ → !..~
_FULLWIDTH[0x3000] = 0x20  # ideographic space → space
_FULLWIDTH.update({0xFF21 + i: ord("a") + i for i in range(26)})  # Ａ..Ｚ → a..z directly
_FULLWIDTH.update({ord("A") + i: ord("a") + i for i in range(26)})
_FULLWIDTH_TABLE: dict[int, int] = dict(_FULLWIDTH)
del _FULLWIDTH
# Code point ranges OpenCC's t2s may change: CJK Extension A, the URO, compatibility ideographs, ext B–F.
_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20))

# Numbers kept whole by the pre-pass: 43.3 / 76.8% / 3+1 / 1/2 / 2.5‰. Not glued to ASCII letters
# (v2.0, covid-19 stay with jieba) so the pre-pass never splits a token jieba would have kept.
_NUMBER = re.compile(r"(?<![0-9a-z.])[0-9]+(?:\.[0-9]+)?(?:[+/][0-9]+(?:\.[0-9]+)?)*[%‰]?(?![0-9a-z])")


class DictionaryChanged(ValueError):
    """The user dictionary on disk is not the one the index was built with."""


@functools.lru_cache(maxsize=1)
def _normalize_table() -> dict[int, int]:
    """The folding table, built once per process on first use (~0.1 s: OpenCC over every Han code point)."""
    import opencc  # deferred: nothing may load at import time

    converter = opencc.OpenCC("t2s")
    chars = [chr(c) for a, b in _HAN_RANGES for c in range(a, b)]
    # one conversion call, one character per line: no phrase can span two characters
    converted = converter.convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a line break appeared or vanished: fold nothing rather than misalign
        converted = chars
    table = {ord(c): ord(t) for c, t in zip(chars, converted) if len(t) == 1 and t != c}
    table.update(_FULLWIDTH_TABLE)
    return table


def normalize(text: str) -> str:
    """Full-width → half-width, ASCII lower-case, traditional → simplified; one character to one."""
    return text.translate(_normalize_table())



def dictionary_fingerprint(path: Path = DEFAULT_DICTIONARY) -> str:
    """sha256 of the dictionary file's bytes plus the index format version."""
    return _fingerprint_bytes(Path(path).read_bytes())


def _fingerprint_bytes(data: bytes) -> str:
    # salted with the index format: a build of another format no longer matches (reindex required)
    digest = hashlib.sha256(f"reportsearch-index-format-{INDEX_FORMAT_VERSION}\n".encode())
    digest.update(data)
    return digest.hexdigest()


# [^\W_] is exactly str.isalnum() per character (re's \w is isalnum() or "_"): one C-level search per token.
_WORD_CHAR = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s")
# A character after which jieba and the number pre-pass always cut, whatever follows: outside jieba's
# "han" class [\u4E00-\u9FD5a-zA-Z0-9+#&._%-] and not part of a number ([+/%‰]) or whitespace.
_CUT_AFTER = re.compile(r"[^\u4e00-\u9fd5a-zA-Z0-9+#&._%\-‰/\s]")


def _is_word(token: str) -> bool:
    """A token worth indexing: has a letter, digit or CJK character (drops spaces and punctuation)."""
    return _WORD_CHAR.search(token) is not None


# One loaded jieba instance per (dictionary, fingerprint) per process. Why a cache: the schema (and so
# the tokenizer) is unpickled every time an index or searcher is opened and in every writer process;
# loading jieba costs ~1 s, so it must happen once per process, not per unpickle. Keyed by fingerprint,
# so a changed dictionary file can never be served by an instance loaded from its old contents.
@made_once(maxsize=4)
def _jieba_instance(dictionary: str, fingerprint: str):  # noqa: ANN202 - jieba has no type stubs
    import jieba  # deferred: importing jieba is cheap but nothing here may load at import time

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(io.BytesIO(_dictionary_bytes(dictionary, fingerprint)))  # the bytes we fingerprinted
    return tokenizer


def _dictionary_bytes(dictionary: str, fingerprint: str) -> bytes:
    """The user dictionary's bytes, checked against the fingerprint the index was built with."""
    path = Path(dictionary)
    if not path.is_file() and dictionary_fingerprint(DEFAULT_DICTIONARY) == fingerprint:
        path = DEFAULT_DICTIONARY  # index moved with a checkout: the bundled dictionary is identical
    data = path.read_bytes()
    if _fingerprint_bytes(data) != fingerprint:
        raise DictionaryChanged(f"reindex required: the user dictionary changed ({path})")
    return data


@functools.lru_cache(maxsize=4)
def _segmenter(dictionary: str, fingerprint: str) -> dict:
    """indexer.fastwords.segmenter_data of jieba with this user dictionary (reads jieba's dictionary file: once)."""
    from indexer.fastwords import segmenter_data

    return segmenter_data(_jieba_instance(dictionary, fingerprint), _dictionary_bytes(dictionary, fingerprint))


def _writer_cut(dictionary: str, fingerprint: str, record: dict[str, list[str]] | None = None) -> Callable[[str], Iterable[str]]:
    """jieba's cut for the index writer: the same words, rjieba-accelerated (indexer.fastwords)."""
    from indexer.fastwords import fast_cut

    return fast_cut(_jieba_instance(dictionary, fingerprint), _segmenter(dictionary, fingerprint), record)


@functools.lru_cache(maxsize=4)
def _index_cut(dictionary: str, fingerprint: str) -> Callable[[str], Iterable[str]]:
    """_writer_cut, once per process (it records nothing)."""
    return _writer_cut(dictionary, fingerprint)


def _segments(norm: str, jieba_tokenizer) -> Iterator[tuple[str, int, int]]:  # noqa: ANN001
    """(token, start, end) over normalised text: number pre-pass, jieba for the rest, words only."""
    last = 0
    for match in _NUMBER.finditer(norm):
        if match.start() > last:
            yield from _jieba_words(norm[last : match.start()], last, jieba_tokenizer)
        yield match.group(0), match.start(), match.end()
        last = match.end()
    if last < len(norm):
        yield from _jieba_words(norm[last:], last, jieba_tokenizer)


def _jieba_words(chunk: str, offset: int, jieba_tokenizer) -> Iterator[tuple[str, int, int]]:  # noqa: ANN001
    for word, start, end in jieba_tokenizer.tokenize(chunk, HMM=True):
        if _is_word(word):
            yield word, offset + start, offset + end


def _spans(norm: str, cut: Callable[[str], Iterable[str]]) -> list[tuple[str, int, int]]:
    """_segments as a list, without the per-token generator layers (the indexing hot path); cut: jieba's."""
    out: list[tuple[str, int, int]] = []
    append = out.append
    is_word = _WORD_CHAR.search
    last = 0
    for match in _NUMBER.finditer(norm):
        start = match.start()
        if start > last:
            offset = last
            for word in cut(norm[last:start]):
                end = offset + len(word)
                if is_word(word):
                    append((word, offset, end))
                offset = end
        last = match.end()
        append((match.group(0), start, last))
    if last < len(norm):
        offset = last
        for word in cut(norm[last:] if last else norm):
            end = offset + len(word)
            if is_word(word):
                append((word, offset, end))
            offset = end
    return out


def prefix_cuts_alike(text: str, prefix_len: int) -> bool:
    """True when text[:prefix_len] segments into exactly the words of text that end within it.

    jieba cuts each run of its "han" characters independently and the number pre-pass never crosses
    such a character, so a prefix ending in one (punctuation such as ：。，) segments the same alone.
    """
    return prefix_len == 0 or (prefix_len <= len(text) and _CUT_AFTER.match(text, prefix_len - 1) is not None)


def bigram_terms(norm: str) -> list[str]:
    """The bigram tokens of normalised text, in order (BigramTokenizer's token texts)."""
    if _SPACE.search(norm) is None:
        if len(norm) == 1:
            return [norm]
        return [norm[i : i + 2] for i in range(len(norm) - 1)]
    kept = [ch for ch in norm if not ch.isspace()]
    if len(kept) == 1:
        return kept
    return [a + b for a, b in zip(kept, kept[1:])]


def _bigram_spans(norm: str) -> Iterator[tuple[str, int, int]]:
    """(bigram, start, end) over normalised text: bigram_terms with offsets (a lone character alone)."""
    where = [i for i, ch in enumerate(norm) if not ch.isspace()]
    if len(where) == 1:
        yield norm[where[0]], where[0], where[0] + 1
        return
    for first, second in zip(where, where[1:]):
        yield norm[first] + norm[second], first, second + 1


class _SpanTokenizer(Tokenizer):
    """Whoosh's tokenizer contract (module docstring) over the (text, start, end) spans a subclass finds."""

    def _token_spans(self, norm: str) -> Iterable[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield one reused Token per span of normalize(value); tokenize=False yields the whole value."""
        assert isinstance(value, str), f"{value!r} is not str"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        norm = normalize(value)
        if not tokenize:
            t.original = value
            t.text = norm
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, (text, start, end) in enumerate(self._token_spans(norm)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class JiebaTokenizer(_SpanTokenizer):
    """Whoosh tokenizer: jieba words over normalize(text); pickles as its dictionary path + fingerprint."""

    def __init__(self, dictionary: Path = DEFAULT_DICTIONARY) -> None:
        self.dictionary = str(Path(dictionary).resolve())
        self.fingerprint = dictionary_fingerprint(Path(self.dictionary))

    def __getstate__(self) -> dict:
        # The schema is pickled into the index TOC and sent to writer processes: carry only the
        # dictionary's identity, never a loaded jieba instance (tens of MB, and not picklable cheaply).
        return {"dictionary": self.dictionary, "fingerprint": self.fingerprint}

    def __setstate__(self, state: dict) -> None:
        self.dictionary = state["dictionary"]
        self.fingerprint = state["fingerprint"]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer) and other.fingerprint == self.fingerprint

    def __hash__(self) -> int:
        return hash(("JiebaTokenizer", self.fingerprint))

    def spans(self, norm: str) -> list[tuple[str, int, int]]:
        """(word, start, end) of every word of already-normalised text: what __call__ yields, as a list."""
        return _spans(norm, functools.partial(_jieba_instance(self.dictionary, self.fingerprint).cut, HMM=True))

    def index_spans(self, norm: str) -> list[tuple[str, int, int]]:
        """spans(norm), computed faster (rjieba where it provably agrees with jieba): for the index writer."""
        return _spans(norm, _index_cut(self.dictionary, self.fingerprint))

    def index_cutter(self, record: dict[str, list[str]]) -> Callable[[str], list[tuple[str, int, int]]]:
        """index_spans, noting in record each block jieba itself cut (block → its pieces): what a segment writer
        keeps with its segment, so servers cut those paragraphs without loading jieba (query_spans' known)."""
        return functools.partial(_spans, cut=_writer_cut(self.dictionary, self.fingerprint, record))

    def segmenter(self) -> dict:
        """The data a build records so queries can be cut without loading jieba (indexer.fastwords)."""
        return {key: list(values) for key, values in _segmenter(self.dictionary, self.fingerprint).items()}

    def query_spans(self, segmenter: dict | None,
                    known: Mapping[str, Sequence[str]] | None = None) -> Callable[[str], list[tuple[str, int, int]]]:
        """spans(), through the fast cut rebuilt from a build's segmenter data (jieba's own cut without it); known:
        jieba's pieces of the blocks the build's writers cut with it, so only another block loads jieba."""
        if not segmenter:
            return self.spans
        from indexer.fastwords import cut_with

        dictionary, fingerprint = self.dictionary, self.fingerprint

        def slow() -> Callable[[str], Iterable[str]]:
            return functools.partial(_jieba_instance(dictionary, fingerprint).cut, HMM=True)

        data = {"words": list(segmenter["words"]), "freqs": [int(f) for f in segmenter["freqs"]],
                "base": [int(b) for b in segmenter["base"]]}
        return functools.partial(_spans, cut=cut_with(data, slow, known=known))

    def warm_index(self) -> None:
        """Build the index writer's cut and the folding table now (before writer processes fork, so they share them)."""
        _index_cut(self.dictionary, self.fingerprint)
        _normalize_table()

    def warm(self) -> None:
        """Load the jieba instance and the folding table now (start-up), not on the first query."""
        _jieba_instance(self.dictionary, self.fingerprint)
        _normalize_table()

    def _token_spans(self, norm: str) -> Iterator[tuple[str, int, int]]:
        # Called only when tokenizing, so tokenize=False never loads jieba.
        return _segments(norm, _jieba_instance(self.dictionary, self.fingerprint))


class BigramTokenizer(_SpanTokenizer):
    """Whoosh tokenizer: overlapping character bigrams of normalize(text), whitespace skipped."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash("BigramTokenizer")

    def _token_spans(self, norm: str) -> Iterator[tuple[str, int, int]]:
        return _bigram_spans(norm)


def word_analyzer(dictionary: Path = DEFAULT_DICTIONARY) -> Analyzer:
    """jieba words with the user dictionary; positions = token order, chars = offsets into the original."""
    return CompositeAnalyzer(JiebaTokenizer(dictionary))


def bigram_analyzer() -> Analyzer:
    """Overlapping character bigrams (whitespace skipped, punctuation kept); positions = bigram order."""
    return CompositeAnalyzer(BigramTokenizer())


def initialize(dictionary: Path = DEFAULT_DICTIONARY) -> None:
    """Load jieba with the user dictionary once, before indexing (writer processes fork with it loaded)."""
    JiebaTokenizer(dictionary).warm()


def prepare_queries() -> None:
    """What every query needs, at start-up: the folding table. jieba itself is not loaded: queries are cut
    with the build's own cut (JiebaTokenizer.query_spans), which loads it only for a block with letters."""
    _normalize_table()
