"""Identity's pure rules: no I/O, no frameworks."""
