"""A direct scan for NEAR/n and 同句 (issue 22): each paragraph's text folded, whitespace removed and cut into
sentences in Python, every query evaluated as docs/query-syntax.md states it — nothing read from the
engine's position arrays.

- NEAR/n: some occurrence of a side and some of the other with at most n characters between them (0 when they
  touch or overlap), in the folded, whitespace-free text; a side's occurrences are where its text stands;
- 同句: sentences end after 。！？；!?; (folded: 。!?;); a word, phrase or NEAR pair holds in a sentence that
  contains it whole; AND / OR combine per sentence; filters and NOT (here: of quoted phrases) are about the
  paragraph. A paragraph matches when one of its sentences holds the query.
"""

from __future__ import annotations

from indexer.analysis import normalize
from indexer.model import Paragraph
from indexer.search.language.query import And, Concept, Filter, Near, Node, Not, Or, Phrase, Words

ENDS = "。!?;"


def squeeze(text: str) -> str:
    """Folded, whitespace removed: what a quoted phrase is searched in."""
    return "".join(normalize(text).split())


def sentences(text: str) -> list[str]:
    """The squeezed text cut after each sentence end (the end stays with its sentence)."""
    out, cur = [], ""
    for ch in squeeze(text):
        cur += ch
        if ch in ENDS:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def starts(text: str, needle: str) -> list[int]:
    """Every offset where needle stands in text (overlapping ones too)."""
    out, at = [], text.find(needle)
    while at >= 0 and needle:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def forms(node: Node) -> list[str]:
    """The texts a side or word stands for (a Concept: its word and synonyms)."""
    leaves = node.children if isinstance(node, Concept) else [node]
    return [squeeze(leaf.text) for leaf in leaves]  # type: ignore[union-attr]


def near(text: str, left: list[str], right: list[str], distance: int) -> bool:
    """Some occurrence of left and one of right at most distance characters apart in text."""
    for a in left:
        for b in right:
            for s in starts(text, a):
                for t in starts(text, b):
                    if max(0, t - (s + len(a)), s - (t + len(b))) <= distance:
                        return True
    return False


def _filter(node: Filter, p: Paragraph) -> bool:
    if node.field == "year":
        first, last = node.year_range()
        return any(first <= y <= last for y in p.years)
    return getattr(p, node.field) == node.value


def holds(node: Node, sentence: str, p: Paragraph) -> bool:
    """Whether node holds in one sentence of paragraph p (see the module docstring)."""
    if isinstance(node, (Words, Phrase, Concept)):
        return any(f and f in sentence for f in forms(node))
    if isinstance(node, Near):
        return near(sentence, forms(node.left), forms(node.right), node.distance)
    if isinstance(node, Filter):
        return _filter(node, p)
    if isinstance(node, Not):
        assert isinstance(node.child, Phrase), "the scan knows NOT of a quoted phrase only"
        return squeeze(node.child.text) not in squeeze(p.text)
    if isinstance(node, And):
        return all(holds(c, sentence, p) for c in node.children)
    assert isinstance(node, Or)
    return any(holds(c, sentence, p) for c in node.children)


def same_sentence(tree: Node, p: Paragraph) -> bool:
    """Whether one sentence of p holds the query."""
    return any(holds(tree, s, p) for s in sentences(p.text))


def near_paragraph(node: Near, p: Paragraph) -> bool:
    """`A NEAR/n B` over the whole paragraph."""
    return near(squeeze(p.text), forms(node.left), forms(node.right), node.distance)
