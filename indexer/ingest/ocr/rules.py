"""The line-layout rules OCR'd pages share with PDF text, imported (never copied) from where they live.

A scanned page, once its lines have positions and sizes, is laid out exactly like a PDF page: running
headers, footers and page numbers dropped by position and repetition; hard-wrapped lines rejoined, a new
paragraph at a first-line indent or after a short last line that ends a sentence; larger lines are headings.
Those rules are formats/pdf.py's (on its line model), then indexer.ingest.layout.parse_blocks's (on text).
They are private names there today; this module is the one place that reaches for them, so when the shared
layout-rules module exposes them only these imports change.
"""

from __future__ import annotations

from indexer.ingest.formats.pdf import _furniture as furniture  # running headers/footers and page numbers
from indexer.ingest.formats.pdf import _layout as layout_dialect  # lines → '#' headings and blank-line paragraphs
from indexer.ingest.formats.pdf import _Line as Line  # a line: text, x0/x1/y, size, bold share, page, page height
from indexer.ingest.layout import Block, parse_blocks

__all__ = ["Block", "Line", "furniture", "layout_dialect", "parse_blocks"]
