"""problems tables."""
