"""Stage 2, index: paragraphs → Whoosh segments in a crash-safe build folder, opened read-only by a store.

schema (fields and analyzers) · segments (the fast segment writer) · build (parse + write + verify +
switch, the reindex lock) · store (CURRENT, open builds, one build per request).
"""
