"""jiaodui identity service."""
