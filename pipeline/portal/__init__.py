"""Ingesting provincial portals: sources, fetching, discovery, runs, schedules."""
