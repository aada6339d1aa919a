"""Highlighting: exact match spans on the stored text → HTML snippets and fully marked paragraphs.

We find spans ourselves (str.find over the whitespace-free folded text, plus the word analyzer's
token offsets) instead of Whoosh's fragmenters: offsets are exact, there is no 32,768-character limit,
and sentences are cut on Chinese punctuation. Everything that is not a <mark> is HTML-escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Iterable

SNIPPET_CHARS = 120  # about this many characters of text per snippet
SENTENCE_ENDS = "。！？；!?;\n"
MAX_FRAGMENTS = 3
MAX_TOTAL_CHARS = 200  # with fragments added for query words the best passage left out
CONTEXT_BEFORE = 24  # characters kept before the first mark when a long sentence must be cut

Span = tuple[int, int]
_ENDS = re.compile("[" + re.escape(SENTENCE_ENDS) + "]")
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Snippet:
    """A snippet's HTML and the (start, end) character ranges of the text it shows, in order."""

    html: str
    fragments: tuple[Span, ...]


def compact(folded: str) -> tuple[str, Sequence[int]]:
    """The text without whitespace, and for each of its characters the offset in the original."""
    if _SPACE.search(folded) is None:  # the common case: nothing to squeeze, offsets are the identity
        return folded, range(len(folded))
    index = [i for i, ch in enumerate(folded) if not ch.isspace()]
    return "".join(folded[i] for i in index), index


def find_substrings(folded: str, needles: Iterable[str], squeezed: tuple[str, Sequence[int]] | None = None) -> list[Span]:
    """Every occurrence of each needle in the text, whitespace in the text ignored; spans in original offsets.

    `folded` is the normalised text (same length as the stored text); needles are normalised and
    whitespace-free already.
    """
    flat, index = squeezed if squeezed is not None else compact(folded)
    spans: list[Span] = []
    for needle in needles:
        if not needle:
            continue
        start = flat.find(needle)
        while start >= 0:
            spans.append((index[start], index[start + len(needle) - 1] + 1))
            start = flat.find(needle, start + 1)
    return spans


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping ones united (so marks never nest or overlap)."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if s >= e:
            continue
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def mark(text: str, spans: list[Span], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the (merged) spans wrapped in <mark>, the rest escaped."""
    end = len(text) if end is None else end
    parts: list[str] = []
    pos = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        parts.append(escape(text[pos:s], quote=False))
        parts.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        pos = e
    parts.append(escape(text[pos:end], quote=False))
    return "".join(parts)


def sentences(text: str) -> list[Span]:
    """Sentence ranges: cut after 。！？； (and line breaks); the terminator stays with its sentence."""
    out: list[Span] = []
    start = 0
    for m in _ENDS.finditer(text):
        i = m.start()
        if text[start : i + 1].strip():
            out.append((start, i + 1))
        start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out or [(0, len(text))]


def _window(sent: Span, spans: list[Span], size: int, focus: Span | None = None,
            taken: Iterable[Span] = ()) -> Span:
    """At most ~`size` characters of a sentence around `focus` (default: its first mark), never cutting a mark.

    The window stays clear of fragments already `taken` from the same sentence.
    """
    s0, e0 = sent
    for a, b in taken:  # the free stretch of the sentence around the focus
        if focus is not None and b <= focus[0]:
            s0 = max(s0, b)
        elif focus is not None and a >= focus[1]:
            e0 = min(e0, a)
    if e0 - s0 <= size:
        return (s0, e0)
    inside = [sp for sp in spans if sp[0] >= s0 and sp[1] <= e0]
    if focus is None:
        if not inside:
            return (s0, s0 + size)
        focus = inside[0]
    focus = next((sp for sp in inside if sp[0] <= focus[0] < sp[1]), focus)  # the merged mark around it
    start = max(s0, focus[0] - CONTEXT_BEFORE)
    end = min(e0, max(start + size, focus[1]))
    for s, e in inside:  # don't cut a mark in half
        if s < end < e:
            end = e
    return (start, end)


def build_snippet(text: str, spans: list[Span], keys: list[str] | None = None, size: int = SNIPPET_CHARS) -> Snippet:
    """The best passage (sentence-bounded, ~size chars, fragments joined with …) with spans marked.

    `keys[i]` names what spans[i] matched. Fragments are chosen greedily: the passage with the most
    distinct keys first, then one for each key still missing (so a query word far away in the paragraph is
    shown too), within about MAX_TOTAL_CHARS. By default the key is the marked text itself.
    """
    if not text:
        return Snippet("", ())
    keyed = sorted(zip(spans, keys if keys is not None else [text[s:e] for s, e in spans]))
    spans = merge(s for s, _ in keyed)
    sents = sentences(text)
    if not spans:
        frag = _trim(text, _lead(sents, size))
        return Snippet(_render(text, [frag], [], sents), (frag,))
    covered: set[str] = set()
    chosen: list[Span] = []
    used = 0

    def free(sp: Span) -> bool:
        return not any(sp[0] < c[1] and c[0] < sp[1] for c in chosen)

    # per sentence, the keyed and merged spans starting in it (both sorted by start): O(spans) per round
    key_starts = [sp[0] for sp, _ in keyed]
    span_starts = [sp[0] for sp in spans]
    ranges = [(bisect_left(key_starts, s0), bisect_left(key_starts, e0), bisect_left(span_starts, s0),
               bisect_left(span_starts, e0)) for s0, e0 in sents]
    while len(chosen) < MAX_FRAGMENTS and used < MAX_TOTAL_CHARS:
        best, best_score, focus = -1, (0, 0, 0), None
        for i, (k0, k1, m0, m1) in enumerate(ranges):
            if k0 == k1 or not {k for _, k in keyed[k0:k1]} - covered:
                continue  # no mark, or none of a key still missing, in this sentence: it cannot score
            if chosen:
                here = [(sp, k) for sp, k in keyed[k0:k1] if free(sp)]
                unmarked = sum(1 for sp in spans[m0:m1] if free(sp))
            else:  # nothing chosen yet: every span is free
                here, unmarked = keyed[k0:k1], m1 - m0
            new = {k for _, k in here} - covered
            score = (len(new), unmarked, -i)
            if score[0] > 0 and score > best_score:
                first_new = next(sp for sp, k in here if k in new)
                best, best_score, focus = i, score, (None if not chosen else first_new)
        if best < 0:
            break
        budget = max((size if used < size else MAX_TOTAL_CHARS) - used, 40) if chosen else size
        taken = [c for c in chosen if sents[best][0] < c[1] and c[0] < sents[best][1]]
        frag = _window(sents[best], spans, budget, focus, taken)
        chosen.append(frag)
        used += frag[1] - frag[0]
        covered |= {k for sp, k in keyed if frag[0] <= sp[0] and sp[1] <= frag[1]}
    chosen = _join(sorted(_trim(text, f) for f in chosen))
    # short passage: add the following sentences as context while they fit
    if len(chosen) == 1 and used < size:
        s, e = chosen[0]
        for s1, e1 in sents:
            if s1 >= e and e1 - s < size + 20 and s1 == e:
                e = e1
        chosen[0] = _trim(text, (s, e))
    return Snippet(_render(text, chosen, spans, sents), tuple(chosen))


def _join(frags: list[Span]) -> list[Span]:
    """Sorted fragments with touching or overlapping ones united."""
    out: list[Span] = []
    for s, e in frags:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _lead(sents: list[Span], size: int) -> Span:
    start, end = sents[0]
    for s, e in sents[1:]:
        if e - start > size:
            break
        end = e
    return (start, min(end, start + size))


def _trim(text: str, frag: Span) -> Span:
    """The fragment without leading/trailing whitespace (never empty if it had a non-space)."""
    s, e = frag
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else frag


def _render(text: str, frags: list[Span], spans: list[Span], bounds: list[Span]) -> str:
    """Join fragments: … between ones that are not contiguous and where a sentence was cut (bounds: sentences)."""
    starts = {s for s, _ in bounds} | {0}
    ends = {e for _, e in bounds} | {len(text)}
    html: list[str] = []
    prev_end = None
    for s, e in frags:
        if prev_end is not None and s != prev_end:
            html.append("…")
        elif prev_end is None and s not in starts:
            html.append("…")
        html.append(mark(text, spans, s, e))
        prev_end = e
    if prev_end is not None and prev_end not in ends:
        html.append("…")
    return "".join(html)


def highlight(text: str, spans: list[Span]) -> str:
    """The whole text escaped, with spans in <mark>."""
    return mark(text, merge(spans))


def sentence_span(folded: str, number: int, ends: str) -> Span:
    """Where sentence `number` (0: the first) of a text is, sentences closed by the characters `ends` in its
    folded form (the 同句 rule, evaluation/occurrences.py), the closing character included."""
    start, seen = 0, 0
    for i, ch in enumerate(folded):
        if ch in ends:
            if seen == number:
                return (start, i + 1)
            seen += 1
            start = i + 1
    return (start, len(folded))


def build_sentence_snippet(text: str, folded: str, spans: list[Span], number: int, ends: str) -> Snippet:
    """The snippet of a 同句 hit: sentence `number` (sentence_span), cut to about MAX_TOTAL_CHARS around its
    first mark when longer, with the marks inside it."""
    sent = _trim(text, sentence_span(folded, number, ends))
    inside = merge(sp for sp in spans if sent[0] <= sp[0] and sp[1] <= sent[1])
    frag = _trim(text, _window(sent, inside, MAX_TOTAL_CHARS))
    return Snippet(_render(text, [frag], inside, [sent]), (frag,))
