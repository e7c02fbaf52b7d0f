"""Staff review: export sheets, import corrections, the corrections log."""
