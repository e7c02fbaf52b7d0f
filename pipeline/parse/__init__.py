"""Parsing input files (text, HTML, PDF, DOCX, scans) into text, pages and metadata."""
