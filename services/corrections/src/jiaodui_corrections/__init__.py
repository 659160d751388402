"""jiaodui corrections service."""
