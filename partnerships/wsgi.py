"""WSGI entry point, used by gunicorn in production and by the benchmark."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")

application = get_wsgi_application()

# Import every view's module (igraph, networkx, pypinyin, the API's serializers and
# schema) when a worker starts, before it takes requests, rather than in its first
# request: that took most of a second, again in every worker gunicorn starts after
# ``max_requests``.
get_resolver().url_patterns  # noqa: B018 - reading them imports the views

# The objects loaded so far (modules, URL patterns, templates) live as long as the
# process: moved out of the collector's sight, a full collection no longer walks them
# all every few requests (at 100,000 agreements about 200 ms each, every 8 list pages).
gc.freeze()
