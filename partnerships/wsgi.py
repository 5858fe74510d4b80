"""WSGI entry point, used by gunicorn in production and by the benchmark."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")

application = get_wsgi_application()
