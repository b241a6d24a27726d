"""Steward's database backends (Django ``ENGINE`` modules)."""
