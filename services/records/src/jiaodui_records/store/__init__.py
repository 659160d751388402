"""records' SQL (asyncpg): the roster, the account replica and matches, imports."""
