"""Incident web pages, one module per page group (see ``urls.py``)."""
