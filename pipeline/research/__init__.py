"""Research surfaces: read-only SQL, catalog, web, report, charts, explain, evaluate."""
