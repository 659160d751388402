"""jiaodui records service."""
