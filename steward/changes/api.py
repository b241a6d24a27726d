"""The /api/v1 routers of changes."""

ROUTERS: list = []
