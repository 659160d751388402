"""records' use cases: imports, matching, corrections."""
