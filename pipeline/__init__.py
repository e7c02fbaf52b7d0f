"""Ingest Vietnamese directives into SQLite: parse, segment, extract, store."""

__version__ = "0.1.0"
