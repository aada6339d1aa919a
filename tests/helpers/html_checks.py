"""Checks on rendered pages shared by the web tests."""

from __future__ import annotations

from html.parser import HTMLParser


class Elements(HTMLParser):
    """Every element the browser would build from a page: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """Nothing from the corpus or the query became markup: only our elements, our external scripts."""
    parser = Elements()
    parser.feed(html)
    scripts = [attrs for tag, attrs in parser.found if tag == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}, {"src": "/static/suggest.js", "defer": None}]
    for tag, attrs in parser.found:
        assert tag not in ("img", "iframe", "b", "i", "object", "embed", "style"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").lower().lstrip().startswith("javascript:"), (tag, name, value)
