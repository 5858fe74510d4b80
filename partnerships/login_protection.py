"""Password guessing: limited per account and per address, and cheap to refuse.

django-axes counts failed logins and, past ``AXES_FAILURE_LIMIT`` for one account or from
one address, refuses further attempts for a cool-off period before any password is
hashed. An administrator unlocks at once by deleting the attempts in the admin
(Axes → Access attempts) or with ``manage.py axes_reset_username NAME``.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.shortcuts import render


class ModestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

    Memory-hard, so guessing a stolen hash stays slow on GPUs, while one check costs
    about 30 ms of CPU instead of PBKDF2's 580 ms: a few guessing clients can no longer
    take the server's CPU. Hashes made with other parameters are upgraded at login.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


def client_address(request):
    """The reader's address: the one the proxy saw when a proxy is configured.

    Only then is ``X-Forwarded-For`` believed, and only its last entry (the one our
    proxy appended); a client cannot slip past the limits by sending its own.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The site's own page, 429, saying what happened and what to do."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
