"""Figures: the quantitative statements of the reports (caseloads, amounts, rates) extracted at build time.

numbers (numerals, units, what is not a figure) · phrases (metric phrases, changes, rankings, lists) ·
years · extract (paragraph → figures) · metrics (the canonical metrics of metrics.toml) · store (the
figures of a build: written beside it, read, queried).
"""
