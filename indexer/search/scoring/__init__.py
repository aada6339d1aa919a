"""Scoring: BM25F over the posting arrays, the query's clauses, and ranking (top-k, tiers)."""
