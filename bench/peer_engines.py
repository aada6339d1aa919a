"""The peer engines of bench/peers.py: SQLite FTS5 (stdlib) and tantivy (optional), over our index's word tokens.

Each peer indexes a paragraph's word tokens (indexer.analysis's jieba cut of the normalised text: the
tokens our `text` field holds), space-joined under a whitespace-splitting tokenizer, with the paragraph's
institution, years and theme, and answers a query as our search() answers a page: the total, the top 10
by BM25 with a highlighted snippet each, and counts per institution, year and theme over ALL hits.

Query translation (the subset of indexer/search/language/query.py the mix uses): space-separated terms are ANDed,
`A OR B` joins alternatives, `NOT A` excludes; an unquoted term is cut into jieba words, all required; a
quoted phrase is its words adjacent and in order. Tokens, not characters: a peer cannot find 法院 inside
the token 人民法院, nor 理改 inside 治理 改革 (bench/peers.py reports where that makes counts differ).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

FACETS = ("institution", "year", "theme")  # what our search() counts over all hits
TOP = 10
SNIPPET_TOKENS = 48  # FTS5 snippet() length: ~120 characters of text, the length of our snippets (SNIPPET_CHARS)
SNIPPET_CHARS = 170  # tantivy's snippet length counts the spaces between tokens too
TANTIVY_MISSING = "not installed (pip install -e '.[bench]')"
_ITEM = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Doc:
    """One paragraph as the peers index it: our id, its facet values and its space-joined word tokens."""

    pid: str
    institution: str
    years: tuple[str, ...]
    theme: str
    tokens: str


@dataclass(frozen=True)
class Term:
    """A query term: its jieba words, whether they must be adjacent (a quoted phrase), and its text for Ctrl-F."""

    words: tuple[str, ...]
    phrase: bool
    text: str


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; a negated clause excludes what it matches."""

    alternatives: tuple[Term, ...]
    negated: bool = False


def parse_mix(q: str, cut: Callable[[str], list[str]], fold: Callable[[str], str]) -> list[Clause]:
    """The mix query q as clauses: cut gives a text's words, fold its Ctrl-F form (normalised, no whitespace)."""
    clauses: list[Clause] = []
    negate = join = False
    for m in _ITEM.finditer(q):
        quoted, bare = m.group(1), m.group(2)
        if bare in ("OR", "NOT", "AND"):  # AND is what juxtaposition means anyway
            join, negate = join or bare == "OR", negate or bare == "NOT"
            continue
        text = quoted if quoted is not None else bare
        term = Term(tuple(cut(text)), quoted is not None, fold(text))
        if join and clauses and not negate:
            clauses[-1] = Clause((*clauses[-1].alternatives, term), clauses[-1].negated)
        else:
            clauses.append(Clause((term,), negate))
        negate = join = False
    return clauses


def matches(clauses: list[Clause], has: Callable[[Term], bool]) -> bool:
    """Whether a paragraph matches, given has(term): every positive clause has a term, no negated one does."""
    positive = [c for c in clauses if not c.negated]
    return bool(positive) and all(any(map(has, c.alternatives)) != c.negated for c in clauses)


def ctrl_f(term: Term, folded: str) -> bool:
    """Our engine's text semantics for one term: every word a substring (phrase: the whole phrase one)."""
    return term.text in folded if term.phrase else all(w in folded for w in term.words)


def read_docs(path: Path) -> Iterable[Doc]:
    """The paragraphs of a tokens file (bench/peers.py writes it), one JSON object a line, streamed."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield Doc(row["id"], row["institution"], tuple(row["years"]), row["theme"], row["tokens"])


class Peer(Protocol):
    """What bench/peers.py times: answer parsed clauses the way our search() answers a page, and close."""

    name: str

    def search(self, clauses: list[Clause]) -> dict: ...

    def close(self) -> None: ...


def _answer(total: int, hits: list[dict], facets: dict[str, dict[str, int]]) -> dict:
    return {"total": total, "hits": hits, "facets": facets}


# ---------------------------------------------------------------- SQLite FTS5


def _fts_word(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _fts_term(term: Term) -> str | None:
    if not term.words:
        return None
    if term.phrase:
        return '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
    return "(" + " AND ".join(map(_fts_word, term.words)) + ")"


def fts5_match(clauses: list[Clause]) -> str | None:
    """The FTS5 MATCH expression of the clauses; None when nothing can match."""
    positive: list[str] = []
    negative: list[str] = []
    for clause in clauses:
        alts = [t for t in map(_fts_term, clause.alternatives) if t]
        if not alts:
            if not clause.negated:
                return None  # a required term without a word matches nothing
            continue
        (negative if clause.negated else positive).append("(" + " OR ".join(alts) + ")")
    if not positive:
        return None
    return "(" + " AND ".join(positive) + ")" + "".join(f" NOT {n}" for n in negative)


class Fts5:
    """SQLite FTS5 over the tokens (external content table), facet codes in plain tables, hits in a temp table."""

    name = "SQLite FTS5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)  # autocommit: the temp table's DML needs no transaction
        self.db.executescript("PRAGMA mmap_size = 17179869184; PRAGMA temp_store = MEMORY;"
                              "CREATE TEMP TABLE hits(rowid INTEGER PRIMARY KEY);")
        self.names: dict[str, dict[int, str]] = {"institution": {}, "theme": {}}
        for facet, code, name in self.db.execute("SELECT facet, code, name FROM names"):
            self.names[facet][code] = name

    @classmethod
    def build(cls, path: Path, docs: Iterable[Doc]) -> Fts5:
        """A new database at path holding docs; returns it opened for queries."""
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
        db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE content(rowid INTEGER PRIMARY KEY, tokens TEXT NOT NULL);
            CREATE TABLE meta(rowid INTEGER PRIMARY KEY, pid TEXT NOT NULL, institution INTEGER NOT NULL, theme INTEGER NOT NULL);
            CREATE TABLE years(rowid INTEGER NOT NULL, year INTEGER NOT NULL, PRIMARY KEY (rowid, year)) WITHOUT ROWID;
            CREATE TABLE names(facet TEXT NOT NULL, code INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (facet, code)) WITHOUT ROWID;
            CREATE VIRTUAL TABLE fts USING fts5(tokens, content='content', content_rowid='rowid', tokenize='unicode61');
            BEGIN;
        """)
        codes: dict[str, dict[str, int]] = {"institution": {}, "theme": {}}
        for rowid, doc in enumerate(docs, 1):
            inst = codes["institution"].setdefault(doc.institution, len(codes["institution"]))
            theme = codes["theme"].setdefault(doc.theme, len(codes["theme"]))
            db.execute("INSERT INTO content VALUES (?, ?)", (rowid, doc.tokens))
            db.execute("INSERT INTO fts(rowid, tokens) VALUES (?, ?)", (rowid, doc.tokens))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?)", (rowid, doc.pid, inst, theme))
            db.executemany("INSERT OR IGNORE INTO years VALUES (?, ?)", [(rowid, int(y)) for y in doc.years])
        rows = [(facet, code, name) for facet, table in codes.items() for name, code in table.items()]
        db.executemany("INSERT INTO names VALUES (?, ?, ?)", rows)
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")  # one b-tree per term, as a finished build has
        db.execute("COMMIT")
        db.close()
        return cls(path)

    def search(self, clauses: list[Clause]) -> dict:
        """Total, top 10 by bm25() with snippet(), counts per institution, year and theme over all hits."""
        match = fts5_match(clauses)
        if match is None:
            return _answer(0, [], {f: {} for f in FACETS})
        db = self.db
        db.execute("DELETE FROM temp.hits")
        total = db.execute("INSERT INTO temp.hits SELECT rowid FROM fts WHERE fts MATCH ?", (match,)).rowcount
        inst, themes = self.names["institution"], self.names["theme"]
        facets = {
            "institution": {inst[c]: n for c, n in db.execute(
                "SELECT m.institution, count(*) FROM temp.hits h JOIN meta m ON m.rowid = h.rowid GROUP BY 1")},
            "year": {str(y): n for y, n in db.execute(
                "SELECT y.year, count(*) FROM temp.hits h JOIN years y ON y.rowid = h.rowid GROUP BY 1")},
            "theme": {themes[c]: n for c, n in db.execute(
                "SELECT m.theme, count(*) FROM temp.hits h JOIN meta m ON m.rowid = h.rowid GROUP BY 1")},
        }
        top = db.execute("SELECT rowid, bm25(fts), snippet(fts, 0, '<mark>', '</mark>', '…', ?) FROM fts "
                         "WHERE fts MATCH ? ORDER BY rank LIMIT ?", (SNIPPET_TOKENS, match, TOP)).fetchall()
        pids = dict(db.execute(f"SELECT rowid, pid FROM meta WHERE rowid IN ({','.join('?' * len(top))})",
                               [r for r, _, _ in top])) if top else {}
        hits = [{"id": pids[rowid], "score": -score, "snippet": snippet} for rowid, score, snippet in top]
        return _answer(total, hits, facets)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()


# ---------------------------------------------------------------- tantivy


def tantivy_module() -> Any:
    """The tantivy package, or None where it is not installed (it is the optional `bench` extra)."""
    try:
        import tantivy
    except ImportError:
        return None
    return tantivy


class Tantivy:
    """tantivy (Rust) through its Python binding: a whitespace-tokenized text field, raw fast fields for facets."""

    name = "tantivy"

    def __init__(self, folder: Path) -> None:
        tv = tantivy_module()
        self.tv = tv
        self.index = tv.Index.open(str(folder))
        self.index.register_tokenizer("ws", tv.TextAnalyzerBuilder(tv.Tokenizer.whitespace()).build())  # not persisted
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        sizes = json.loads((folder / "facet-sizes.json").read_text())
        # a bucket per value: exact counts (tantivy's terms aggregation is exact when size covers every value)
        self.aggs = {f: {"terms": {"field": f, "size": max(1, sizes[f])}} for f in FACETS}

    @classmethod
    def build(cls, folder: Path, docs: Iterable[Doc]) -> Tantivy:
        """A new index in folder holding docs (one writer, tantivy's default threads); returns it opened."""
        tv = tantivy_module()
        folder.mkdir(parents=True)
        sb = tv.SchemaBuilder()
        sb.add_text_field("text", stored=True, tokenizer_name="ws", index_option="position")
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        for facet in FACETS:
            sb.add_text_field(facet, stored=True, fast=True, tokenizer_name="raw")
        index = tv.Index(sb.build(), path=str(folder))
        index.register_tokenizer("ws", tv.TextAnalyzerBuilder(tv.Tokenizer.whitespace()).build())
        writer = index.writer()
        seen: dict[str, set[str]] = {f: set() for f in FACETS}
        for doc in docs:
            writer.add_document(tv.Document(text=doc.tokens, id=doc.pid, institution=doc.institution, year=list(doc.years),
                                            theme=doc.theme))
            seen["institution"].add(doc.institution)
            seen["year"].update(doc.years)
            seen["theme"].add(doc.theme)
        writer.commit()
        writer.wait_merging_threads()
        (folder / "facet-sizes.json").write_text(json.dumps({f: len(v) for f, v in seen.items()}))
        return cls(folder)

    def _term(self, term: Term) -> Any:
        tv, words = self.tv, term.words
        if not words:
            return tv.Query.empty_query()
        if len(words) == 1:
            return tv.Query.term_query(self.schema, "text", words[0])
        if term.phrase:
            return tv.Query.phrase_query(self.schema, "text", list(words))
        return tv.Query.boolean_query([(tv.Occur.Must, tv.Query.term_query(self.schema, "text", w)) for w in words])

    def query(self, clauses: list[Clause]) -> Any:
        """The clauses as one tantivy query (Must / MustNot of Should groups)."""
        tv = self.tv
        parts = []
        for clause in clauses:
            alts = [self._term(t) for t in clause.alternatives]
            q = alts[0] if len(alts) == 1 else tv.Query.boolean_query([(tv.Occur.Should, a) for a in alts])
            parts.append((tv.Occur.MustNot if clause.negated else tv.Occur.Must, q))
        if not any(occur == tv.Occur.Must for occur, _ in parts):
            return tv.Query.empty_query()
        return tv.Query.boolean_query(parts)

    def search(self, clauses: list[Clause]) -> dict:
        """Total and top 10 by BM25 (one collector pass), facet counts (terms aggregation), SnippetGenerator snippets."""
        query = self.query(clauses)
        found = self.searcher.search(query, TOP, count=True)
        aggs = self.searcher.aggregate(query, self.aggs)
        facets = {f: {b["key"]: b["doc_count"] for b in aggs[f]["buckets"]} for f in FACETS}
        snippets = self.tv.SnippetGenerator.create(self.searcher, query, self.schema, "text")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, address in found.hits:
            doc = self.searcher.doc(address)
            hits.append({"id": doc.get_first("id"), "score": score, "snippet": snippets.snippet_from_doc(doc).to_html()})
        return _answer(found.count, hits, facets)

    def close(self) -> None:
        """Nothing to release explicitly (the binding frees the index with the object)."""
