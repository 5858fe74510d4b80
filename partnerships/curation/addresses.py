"""Stable addresses: an old slug of a record answers with a permanent redirect.

A redirect is kept automatically whenever a record's slug changes (and when a record is
merged into another, see ``merge.py``). It is consulted only when an address would
otherwise be a 404, so live records never pay for it, on pages, API and feeds alike.
"""

from django.conf import settings
from django.core.validators import slug_re
from django.db.models.signals import post_save
from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

from partnerships.models import AddressedModel, SlugRedirect
from partnerships.models.common import KeepsOldAddresses

NOT_FOUND = 404


def remember_old_slug(sender, instance, created, raw=False, **kwargs):
    """After a save that changed the slug, lead the old slug to the record."""
    if not isinstance(instance, KeepsOldAddresses):
        return
    old_slug = getattr(instance, "_loaded_slug", None)
    instance._loaded_slug = instance.slug
    if raw or created or not old_slug or old_slug == instance.slug:
        return
    model = instance.ADDRESSED_AS
    SlugRedirect.objects.update_or_create(
        model=model,
        old_slug=old_slug,
        defaults={"object_id": instance.pk, "reason": "renamed"},
    )
    # The new slug is live again (a rename back, say): it must not lead elsewhere.
    SlugRedirect.objects.filter(model=model, old_slug=instance.slug).delete()


def remember_old_slugs(model, old_slugs, using="default"):
    """After ``QuerySet.update()`` wrote slugs (``DirectoryQuerySet``): what
    :func:`remember_old_slug` does for one save, for ``{pk: slug before}``."""
    if not issubclass(model, KeepsOldAddresses) or not old_slugs:
        return
    redirects = SlugRedirect.objects.using(using)
    kind = model.ADDRESSED_AS
    now = dict(
        model._base_manager.using(using).filter(pk__in=list(old_slugs)).values_list("pk", "slug")
    )
    changed = {pk: slug for pk, slug in now.items() if slug != old_slugs[pk] and old_slugs[pk]}
    for pk in changed:
        redirects.update_or_create(
            model=kind,
            old_slug=old_slugs[pk],
            defaults={"object_id": pk, "reason": "renamed"},
        )
    # The new slugs are live again: they must not lead elsewhere.
    redirects.filter(model=kind, old_slug__in=list(changed.values())).delete()


def connect():
    post_save.connect(remember_old_slug, dispatch_uid="remember-old-slug")


def model_of(model_name):
    from django.apps import apps

    return next(
        model
        for model in apps.get_app_config("partnerships").get_models()
        if getattr(model, "ADDRESSED_AS", None) == model_name
    )


def current_address(request_path, query_string=""):
    """The address a 404 path has moved to, in the path's own language, or ``None``."""
    language = translation.get_language_from_path(request_path)
    # An unprefixed path is in the default language, whichever the reader prefers.
    with translation.override(language or settings.LANGUAGE_CODE):
        return _current_address(request_path, query_string)


def _current_address(request_path, query_string):
    """Any route whose name starts with a record kind (``agreement-detail``,
    ``api:institution-detail``, ``open_data:focusarea-feed``) and takes a slug is
    covered, so a new page, API or feed route is covered without being listed here.
    """
    try:
        match = resolve(request_path)
    except Resolver404:
        return None
    slug = match.kwargs.get("slug")
    kind = (match.url_name or "").split("-")[0]
    if not slug or kind not in AddressedModel.values or not slug_re.match(slug):
        # Not a slug at all (a NUL byte, say): it was never an address, and
        # PostgreSQL refuses to compare text containing NUL.
        return None
    target_id = (
        SlugRedirect.objects.filter(model=kind, old_slug=slug)
        .values_list("object_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    new_slug = model_of(kind).objects.filter(pk=target_id).values_list("slug", flat=True).first()
    if new_slug is None or new_slug == slug:
        return None
    try:
        address = reverse(
            match.view_name, args=match.args, kwargs={**match.kwargs, "slug": new_slug}
        )
    except NoReverseMatch:
        return None
    return f"{address}?{query_string}" if query_string else address


class OldAddressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != NOT_FOUND or request.method not in ("GET", "HEAD"):
            return response
        address = current_address(request.path_info, request.META.get("QUERY_STRING", ""))
        return HttpResponsePermanentRedirect(address) if address else response
