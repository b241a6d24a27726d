import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")

from steward.worker_imports import prepare  # noqa: E402 - needs the settings module named

prepare()  # before Django loads the apps: see steward/worker_imports.py
application = get_wsgi_application()
