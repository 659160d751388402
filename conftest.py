# Fixtures over the real stack live in the runtime package, shipped with it.
pytest_plugins = ["jiaodui_runtime.testing.fixtures"]
