"""jiaodui notify service."""
