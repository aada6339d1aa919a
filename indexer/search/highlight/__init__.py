"""Highlighting: the spans a query marks in a paragraph, and snippets built around them."""
