"""jiaodui photos service."""
