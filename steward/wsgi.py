import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")

from steward.worker_imports import after_setup, prepare  # noqa: E402 - needs the settings named

prepare()  # before Django loads the apps: see steward/worker_imports.py
application = get_wsgi_application()
after_setup()  # holiday dates from a child process: see steward/worker_imports.py
