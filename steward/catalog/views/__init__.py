"""Catalogue web pages: browse and order, my requests, approvals, fulfilment tasks."""
