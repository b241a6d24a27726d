"""changes tables."""
