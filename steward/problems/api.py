"""The /api/v1 routers of problems."""

ROUTERS: list = []
