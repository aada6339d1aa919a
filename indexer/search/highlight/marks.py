"""What to highlight in a paragraph: the spans of the query's positive words, substrings and phrases.

Spans are found on the text itself (indexer/search/highlight/snippets.py's find_substrings over the folded,
whitespace-free text), so they are exact offsets into the stored text whatever the index holds.
A one-character word is marked only where jieba cut it as a word (else every such character would be).
"""

from __future__ import annotations

from indexer.analysis import JiebaTokenizer, normalize
from indexer.search.evaluation.matching import needle
from indexer.search.highlight.snippets import Span, compact, find_substrings
from indexer.search.language.query import Node, Words, positives


class Marker:
    """A query's needles, worked out once per request; spans() finds them in each paragraph."""

    def __init__(self, tokenizer: JiebaTokenizer, tree: Node | None) -> None:
        self.tokenizer = tokenizer
        needles: dict[str, None] = {}
        singles: set[str] = set()
        for leaf in positives(tree):
            whole = needle(leaf.text)
            if whole:
                needles[whole] = None
            if isinstance(leaf, Words):
                for w in dict.fromkeys(t.text for t in tokenizer(leaf.text, mode="query")):
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
            for tok in self.tokenizer(text, chars=True, mode="index"):
                if tok.text in self.singles:
                    spans.append((tok.startchar, tok.endchar))
                    keys.append(tok.text)
        return spans, keys


def marks(tokenizer: JiebaTokenizer, tree: Node | None, text: str) -> tuple[list[Span], list[str]]:
    """Spans of every positive word / substring / phrase in text, with the query string each matched."""
    return Marker(tokenizer, tree).spans(text)
