"""The SQLite store: schema and migrations, writes, links, duplicates, search index, views."""
