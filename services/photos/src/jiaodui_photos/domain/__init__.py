"""photos's pure rules."""
