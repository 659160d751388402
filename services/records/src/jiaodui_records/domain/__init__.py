"""records' pure rules: the registry vocabulary, row validation, names, matching."""
