"""Evaluation: a query tree → exact hit sets (sorted docnum arrays) and facet counts, over the posting arrays."""
