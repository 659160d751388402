"""identity's use cases, one module per area; each a plain async function."""
