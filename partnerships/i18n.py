"""Which language a reader gets, and the same page in the other language.

Public pages live at one address per language: English (the default and canonical one)
unprefixed, as it always was (``/agreements/``), Simplified Chinese under ``/zh-hans/``.
Everything else (API, downloads, feeds, sitemap, admin) keeps one language-neutral
address; its labels follow ``?lang=``, then the reader's saved choice, then
``Accept-Language``. On the first visit to an English page, a reader whose browser prefers
Chinese is sent to the Chinese page; choosing a language with the switcher is remembered
in a cookie, so that choice wins from then on.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

LANGUAGE_PARAMETER = "lang"


def supported_language(code):
    """The configured language ``code`` names (``zh-Hans``, ``zh-cn``, ``en-US`` …), or ``None``."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def other_language_url(path, language):
    """``path`` (with its query) as the same page in ``language``; itself when not a page."""
    # The path resolves only under its own language's prefix.
    with translation.override(path_language(path)):
        return translate_url(path, language)


def path_language(path):
    return translation.get_language_from_path(urlsplit(path).path) or settings.LANGUAGE_CODE


def is_public_page(path):
    """Pages exist once per language; other addresses (API, downloads, admin) are neutral."""
    own = path_language(path)
    # In its own language an address is itself: only the other languages tell.
    return any(
        other_language_url(path, code) != path for code, _name in settings.LANGUAGES if code != own
    )


class ReaderLanguageMiddleware:
    """Activate the reader's language: from the address for pages, else from their request.

    Runs before the page cache, so the cache sees the final language; the Accept-Language
    redirect happens only for requests without a saved choice, before anything is cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_language = translation.get_language_from_path(request.path_info)
        page = bool(path_language) or is_public_page(request.path_info)
        request.is_public_page = page  # for the page's language links (language_context)
        preferred = self.preferred_language(request)
        if path_language:
            language = path_language
        elif page:
            language = settings.LANGUAGE_CODE
            if request.method in ("GET", "HEAD") and preferred != language:
                redirect = HttpResponseRedirect(
                    other_language_url(request.get_full_path(), preferred)
                )
                patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                return redirect
        else:
            language = preferred
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if not path_language:
            # The unprefixed page (or neutral address) answers differently per reader.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def preferred_language(request):
        """``?lang=``, then the switcher's cookie, then the browser's Accept-Language."""
        asked = supported_language(request.GET.get(LANGUAGE_PARAMETER))
        if asked:
            return asked
        saved = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if saved:
            return saved
        return translation.get_language_from_request(request)


@require_GET
def switch_language(request, language):
    """Remember the reader's choice and show them the page they were on, in that language.

    A link, not Django's POST ``set_language`` form: it works without JavaScript and
    without a CSRF cookie, which would keep every page out of the page cache.
    """
    language = supported_language(language) or settings.LANGUAGE_CODE
    next_url = request.GET.get("next") or "/"
    if (
        not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        or urlsplit(next_url).netloc
    ):
        next_url = "/"
    response = HttpResponseRedirect(other_language_url(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


def language_context(request):
    """The page in every language, for ``hreflang`` alternates and the switcher."""
    if request is None:
        return {"page_languages": []}
    page = getattr(request, "is_public_page", None)
    if not (is_public_page(request.path_info) if page is None else page):
        return {"page_languages": []}
    full_path = request.get_full_path()
    current = translation.get_language()
    return {
        "page_languages": [
            {
                "code": code,
                "name": name,
                "path": other_language_url(full_path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
    }
