"""reportsearch's library: parse reports, analyse Chinese text, build and search the index.

Never imports Flask: the web app depends on this package, not the other way round.
"""
