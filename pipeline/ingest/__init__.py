"""Ingesting files: the steps, the files to read, worker processes."""
