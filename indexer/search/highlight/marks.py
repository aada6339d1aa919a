"""What to highlight in a paragraph: the spans of the query's positive words, substrings and phrases.

Spans are found on the text itself (indexer/search/highlight/snippets.py's find_substrings over the folded,
whitespace-free text), so they are exact offsets into the stored text whatever the index holds.
A one-character word is marked only where jieba cut it as a word (else every such character would be).
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.analysis import normalize
from indexer.search.evaluation.matching import needle
from indexer.search.evaluation.occurrences import SENTENCE_ENDS
from indexer.search.highlight.snippets import Snippet, Span, build_sentence_snippet, compact, find_substrings
from indexer.search.language.query import Node, Words, positives


class Marker:
    """A query's needles, worked out once per request; spans() finds them in each paragraph."""

    def __init__(self, spans: Callable[[str], list[tuple[str, int, int]]], tree: Node | None) -> None:
        """spans: the index's word cut of folded text ((word, start, end); BuildContext.spans)."""
        self.cut = spans
        needles: dict[str, None] = {}
        singles: set[str] = set()
        for leaf in positives(tree):
            whole = needle(leaf.text)
            if whole:
                needles[whole] = None
            if isinstance(leaf, Words):
                for w in dict.fromkeys(w for w, _, _ in spans(normalize(leaf.text))):
                    if len(w) > 1:
                        needles[needle(w)] = None
                    elif whole != w:
                        singles.add(w)
        self.needles = list(needles)
        self.singles = singles

    def spans(self, text: str) -> tuple[list[Span], list[str]]:
        """Spans of every needle in text, with the needle each matched."""
        folded = normalize(text)
        squeezed = compact(folded)
        spans: list[Span] = []
        keys: list[str] = []
        for n in self.needles:
            found = find_substrings(folded, [n], squeezed)
            spans += found
            keys += [n] * len(found)
        if self.singles:
            for word, start, end in self.cut(folded):  # offsets in folded text are offsets in text (1:1 fold)
                if word in self.singles:
                    spans.append((start, end))
                    keys.append(word)
        return spans, keys


def marks(spans: Callable[[str], list[tuple[str, int, int]]], tree: Node | None, text: str
          ) -> tuple[list[Span], list[str]]:
    """Spans of every positive word / substring / phrase in text, with the query string each matched."""
    return Marker(spans, tree).spans(text)


def sentence_snippet(text: str, spans: list[Span], number: int) -> Snippet:
    """A 同句 hit's snippet: its sentence `number` as the evaluation counts sentences, with the marks in it."""
    return build_sentence_snippet(text, normalize(text), spans, number, SENTENCE_ENDS)
