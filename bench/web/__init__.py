"""Web pages at the demo's size (``python -m bench.web.journey_pages``)."""
