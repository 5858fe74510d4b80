"""WSGI entry point, used by gunicorn in production and by the benchmark."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")

application = get_wsgi_application()

# The objects loaded so far (modules, URL patterns, templates) live as long as the
# process: moved out of the collector's sight, a full collection no longer walks them
# all every few requests (at 100,000 agreements about 200 ms each, every 8 list pages).
gc.freeze()
