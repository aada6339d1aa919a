"""reportsearch's web app (Flask). Depends on indexer; indexer never imports this package."""
