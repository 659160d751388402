"""records's pure rules."""
