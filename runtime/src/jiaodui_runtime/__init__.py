"""jiaodui shared runtime."""
