"""The index format version: what a build written by this code looks like on disk (indexer/index/).

Bump when tokenisation or the schema changes. It is recorded in build.json ("format") and salted into the
dictionary fingerprint (indexer/analysis.py), so an index built by an older version is reported as stale
("reindex required") instead of silently mismatching, and an incremental reindex rebuilds it in full.
"""

from __future__ import annotations

# 2: traditional characters folded to simplified (OpenCC t2s) in normalize
# 3: position, seq and report_order are columns without postings (indexer/index/schema.py)
# 4: full-text fields indexed only in the posting arrays, with positions, lengths and facet columns
# 5: a segment's posting arrays in one file (<segment>.arrays), not one .npy file per array
# 6: each paragraph's permalink key stored with it (permalink_key; indexer/paragraph_keys.py)
# 7: the suggestion data (completions, did-you-mean) in a file of the build (suggest.arrays), made by the build;
#    each segment's <segment>.columns.json keeps the blocks jieba itself cut in it ("jieba_blocks")
INDEX_FORMAT_VERSION = 7
