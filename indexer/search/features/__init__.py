"""Features built on evaluation and scoring: partial matches, suggestions, did-you-mean, trends."""
