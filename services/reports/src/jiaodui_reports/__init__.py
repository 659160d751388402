"""jiaodui verification reports."""
