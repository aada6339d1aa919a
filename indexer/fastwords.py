"""jieba's cut at jieba-rs speed, for the index writer: rjieba on pure-Han runs, jieba itself for the rest.

Why: jieba (pure Python) was half of the reindex CPU. rjieba (jieba-rs) segments the same dictionary
with the same DAG + HMM about 17× faster, but not identically everywhere: jieba cuts a sentence into
blocks of ``[\\u4E00-\\u9FD5a-zA-Z0-9+#&._%-]`` and hands letters and digits inside a block to its HMM
step's own rules (``2017-2021`` → ``2017`` ``-`` ``2021``), which jieba-rs does differently (it keeps
``2017-2021`` whole), and jieba-rs's Han ranges are wider. So a block is cut by rjieba only when it is
pure Han ``[\\u4E00-\\u9FD5]+``, where both run the same algorithm on the same data; a block with any
ASCII character goes to jieba (blocks are cut independently, so this is exactly jieba's result), and
characters outside blocks are single pieces, as jieba yields them.

The user dictionary: rjieba has no ``load_userdict``; each word is added with the frequency jieba gave
it (jieba suggests frequencies for our ``word tag`` lines as it loads them, in file order). jieba adds
a known word's new frequency to its total and keeps the old one counted; jieba-rs replaces it (checked:
three add_word calls move its total as one does); the difference goes back into rjieba's total as a
ballast word no Han block can contain, so every path's log-probability is the same in both. The fast
path is refused (jieba is used) when a user word repeats or has frequency 0 (jieba then forces a split
in its HMM module). tests/engine/test_engine_fastwords.py proves the spans token for token equal to
jieba's on the bundled corpus, on generated bench text and on mixed ASCII/Han text. Queries keep jieba.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

# jieba 0.42's block pattern (jieba.re_han_default) and its HMM's Han pattern (jieba.finalseg.re_han).
_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")
_HAN = re.compile(r"[\u4E00-\u9FD5]+")
_DOUBLED = re.compile(r"([\u4E00-\u9FD5])\1")  # a character twice in a row

Cut = Callable[[str], Iterable[str]]


def _hmm_may_tie(pieces: list[str]) -> bool:
    """Whether a run of single characters (what the HMM step cuts) holds a character twice in a row.

    There the HMM's Viterbi paths can score exactly alike (院院院院法: 院院院|院法 or 院院|院院法), and jieba
    and jieba-rs break such ties differently; everywhere else their cuts are the same."""
    run: list[str] = []
    for piece in [*pieces, ""]:
        if len(piece) == 1:
            if run and run[-1] == piece:
                return True
            run.append(piece)
        else:
            run = []
    return False


def _user_words(data: bytes) -> list[str]:
    """The words of a jieba user dictionary, parsed as jieba's load_userdict parses them."""
    import jieba  # deferred: nothing may load at import time

    words = []
    for raw in data.decode("utf-8").lstrip("\ufeff").splitlines():
        line = raw.strip()
        if line:
            match = jieba.re_userdict.match(line)
            words.append(match.group(1).strip() if match else line)
    return words


def _base_frequencies(jieba_tokenizer, words: list[str]) -> dict[str, int]:  # noqa: ANN001
    """The frequencies jieba's main dictionary gives the words that have one (before the user dictionary)."""
    wanted = set(words)
    found = {}
    with jieba_tokenizer.get_dict_file() as fh:
        for line in fh.read().decode("utf-8").split("\n"):
            word, _, rest = line.partition(" ")
            if word in wanted:  # a later line wins, in jieba and in jieba-rs
                found[word] = int(rest.partition(" ")[0])
    return found


# A word no text handed to rjieba can contain (only [\u4E00-\u9FD5]+ blocks are): it carries frequency
# only, so rjieba's total matches jieba's (see the module docstring).
_BALLAST = "\ue000"


@functools.lru_cache(maxsize=4)
def _rjieba_for(words: tuple[str, ...], freqs: tuple[int, ...], base: tuple[int, ...]):  # noqa: ANN202
    """rjieba with the user words at jieba's frequencies and jieba's total, or None when it cannot match jieba."""
    try:
        import rjieba
    except ImportError:  # not installed: jieba alone is slower but gives the same index
        return None
    if len(set(words)) != len(words) or any(f <= 0 for f in freqs):
        return None
    fast = rjieba.Jieba()
    for word, freq in zip(words, freqs):
        fast.add_word(word, freq, None)
    # jieba's add_word adds a known word's new frequency to its total and keeps the old one counted;
    # jieba-rs replaces it: put the old frequencies back into rjieba's total.
    if sum(base) > 0:
        fast.add_word(_BALLAST, sum(base), None)
    return fast


def segmenter_data(jieba_tokenizer, data: bytes) -> dict:  # noqa: ANN001 - a loaded jieba.Tokenizer
    """What the fast cut needs besides rjieba: the user words (data: the user dictionary), the frequencies
    jieba gave them and the ones its main dictionary had. A build records it, so a query can be cut
    without loading jieba's dictionary (≈ 0.5 s) unless a block holds letters or digits."""
    words = _user_words(data)
    known = _base_frequencies(jieba_tokenizer, words)
    return {"words": words, "freqs": [int(jieba_tokenizer.FREQ.get(w, 0)) for w in words],
            "base": [known.get(w, 0) for w in words]}


def fast_cut(jieba_tokenizer, segmenter: dict, record: dict[str, list[str]] | None = None) -> Cut:  # noqa: ANN001
    """chunk → pieces: ``jieba_tokenizer.cut(chunk, HMM=True)``'s words at its offsets (segmenter: segmenter_data of it
    and its user dictionary); record: as cut_with's."""
    slow = functools.partial(jieba_tokenizer.cut, HMM=True)
    return cut_with(segmenter, lambda: slow, fallback=slow, record=record)


def cut_with(segmenter: dict, slow_cut: Callable[[], Cut], fallback: Cut | None = None, *,
             known: Mapping[str, Sequence[str]] | None = None, record: dict[str, list[str]] | None = None) -> Cut:
    """The fast cut from a build's segmenter data; slow_cut() gives jieba's own cut, asked for only when a
    block needs it (letters or digits) or when rjieba cannot match jieba (then `fallback`, if given, is
    the whole cut).

    known: jieba's pieces of blocks it cut before (a build's, recorded by its writers), used instead of asking
    slow_cut(), so a server cuts its paragraphs without loading jieba's dictionary (≈ 70 MB per process);
    record: where to note every block slow_cut() cut here, with its pieces (the index writer keeps them)."""
    fast = _rjieba_for(tuple(segmenter["words"]), tuple(segmenter["freqs"]), tuple(segmenter["base"]))
    if fast is None:
        return fallback if fallback is not None else (lambda chunk: slow_cut()(chunk))
    rust = fast.cut
    pure_han = _HAN.fullmatch

    def cut(chunk: str) -> list[str]:
        out: list[str] = []
        last = 0
        for match in _BLOCK.finditer(chunk):
            start = match.start()
            if start > last:
                out.extend(chunk[last:start])  # outside blocks jieba yields characters one by one
            block = match.group(0)
            if pure_han(block) and not (_DOUBLED.search(block) and _hmm_may_tie(rust(block, False))):
                out.extend(rust(block, True))
            else:
                pieces = known.get(block) if known is not None else None
                if pieces is None:
                    pieces = list(slow_cut()(block))
                    if record is not None:
                        record[block] = pieces
                out.extend(pieces)
            last = match.end()
        if last < len(chunk):
            out.extend(chunk[last:])
        return out

    return cut
