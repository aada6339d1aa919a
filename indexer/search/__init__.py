"""Stage 3, search: query text → exact hit set → facets → ranked page with highlighted snippets.

query (the query language) · engine (the public API: search, get_report, …) · ranking (BM25F top-k) ·
facets (multi-select counts) · snippets (sentence-bounded, marked passages).
"""
