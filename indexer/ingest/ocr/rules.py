"""The line-layout rules OCR'd pages share with PDF text, imported (never copied) from where they live.

A scanned page, once its lines have positions and sizes, is laid out exactly like a PDF page: running
headers, footers and page numbers dropped by position and repetition; hard-wrapped lines rejoined, a new
paragraph at a first-line indent or after a short last line that ends a sentence; larger lines are headings.
Those rules are formats/lines.py's (on the line model PDF text and OCR share), then
indexer.ingest.layout.parse_blocks's (on text).
"""

from __future__ import annotations

from indexer.ingest.formats.lines import Line, furniture  # the line model; running headers/footers and page numbers
from indexer.ingest.formats.lines import layout_lines as layout_dialect  # lines → '#' headings, blank-line paragraphs
from indexer.ingest.layout import Block, parse_blocks

__all__ = ["Block", "Line", "furniture", "layout_dialect", "parse_blocks"]
