"""gunicorn behind nginx (deploy/nginx/): sync workers, which nginx shields from slow clients.

    gunicorn -c deploy/gunicorn.conf.py partnerships.wsgi

GUNICORN_BIND (default unix:/run/partnerships/gunicorn.sock) and GUNICORN_WORKERS
(default 2 per CPU core, plus 1) override the two settings that differ between hosts.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/partnerships/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer is a bug or an attack: the worker is replaced.
timeout = 30
graceful_timeout = 30
# Recycle workers now and then, so that slow growth of memory never adds up.
max_requests = 2000
max_requests_jitter = 200
# nginx sets X-Forwarded-Proto, which Django reads itself (DJANGO_BEHIND_PROXY=1): gunicorn
# does not turn it into the WSGI scheme, so there is one place that decides.
secure_scheme_headers = {}
accesslog = "-"
