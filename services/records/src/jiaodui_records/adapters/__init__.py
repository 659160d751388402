"""records' adapters: import files on disk."""
