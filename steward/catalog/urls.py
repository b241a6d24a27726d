"""Catalogue web URLs."""

app_name = "catalog"
urlpatterns: list = []
