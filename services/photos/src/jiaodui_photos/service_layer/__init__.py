"""photos's use cases."""
