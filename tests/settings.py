"""Test-only overrides on top of the real settings."""

from partnerships.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Plain storage: tests must not depend on a prior collectstatic.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the finders without a collectstatic run (as in development).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests that write dumps name their own folder; pages read none left by a developer's runs.
OPEN_DATA_DUMPS_DIR = VAR_DIR / "no-dumps-in-tests"  # noqa: F405
