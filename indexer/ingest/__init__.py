"""Stage 1, ingest: report files → decoded text → paragraphs with metadata and a section theme.

catalog (corpus/catalog.toml) · layout (decoding, blocks, sections) · themes (taxonomy + classifier) ·
corpus (the walk: catalog entries, detection for uncatalogued files, every problem named by file).
"""
