"""The query language: syntax tree, parser, synonyms and script folding."""
