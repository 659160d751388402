"""jiaodui event contracts."""
