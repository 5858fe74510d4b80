"""Cached counts and pages never outlive an edit, and never cross hosts, schemes or readers."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from partnerships.models import Agreement, DirectoryVersion
from tests.factories import AgreementFactory, FocusAreaFactory, InstitutionFactory

LIST_URL = reverse("agreement-list")


def facet_counts(response, name):
    facet = next(f for f in response.context["facets"] if f.name == name)
    return {option.value: option.count for option in facet.options}


def test_a_new_agreement_shows_at_once_in_the_list_and_its_facets(client, db):
    field = FocusAreaFactory(slug="imaging")
    AgreementFactory(fields=[field])
    assert facet_counts(client.get(LIST_URL), "field") == {"imaging": 1}

    AgreementFactory(fields=[field])

    response = client.get(LIST_URL)
    assert response.context["total"] == 2
    assert facet_counts(response, "field") == {"imaging": 2}


def test_renaming_an_institution_shows_at_once_in_the_facet_labels(client, db):
    institution = InstitutionFactory(slug="pumch", name="Old name")
    AgreementFactory(parties=[institution])
    client.get(LIST_URL)

    institution.name = "Peking Union Medical College Hospital"
    institution.save()

    facet = next(f for f in client.get(LIST_URL).context["facets"] if f.name == "institution")
    assert [option.label for option in facet.options] == ["Peking Union Medical College Hospital"]


def test_every_save_and_delete_renews_the_directory_version(db):
    before = DirectoryVersion.current()
    agreement = AgreementFactory()
    after_save = DirectoryVersion.current()
    agreement.delete()
    assert len({before, after_save, DirectoryVersion.current()}) == 3


def test_the_home_page_counts_follow_publication(client, db):
    AgreementFactory()
    assert client.get("/").context["counts"]["agreements"] == 1
    draft = AgreementFactory(status="draft", published_at=None)
    assert client.get("/").context["counts"]["agreements"] == 1
    draft.status = "published"
    draft.signed_on_quote = "The agreement was signed on 18 May 2023."
    draft.published_at = draft.created_at
    draft.full_clean()
    draft.save()
    assert client.get("/").context["counts"]["agreements"] == 2


def test_a_repeated_anonymous_page_view_runs_no_page_queries_until_an_edit(
    client, db, django_assert_num_queries
):
    institution = InstitutionFactory(slug="pumch", name="PUMCH")
    AgreementFactory(parties=[institution])
    url = institution.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):  # Only the directory version is read.
        assert client.get(url).status_code == 200

    institution.name = "Peking Union Medical College Hospital"
    institution.save()
    assert "Peking Union Medical College Hospital" in client.get(url).content.decode()


def test_staff_always_get_a_fresh_page(admin_client, db):
    agreement = AgreementFactory(title="First title")
    url = agreement.get_absolute_url()
    admin_client.get(url)
    type(agreement).objects.filter(pk=agreement.pk).update(title="Second title")
    assert "Second title" in admin_client.get(url).content.decode()


# -- what a cached page is keyed by -----------------------------------------------------


def canonical_link(response):
    html = response.content.decode()
    start = html.index('rel="canonical"')
    return html[html.index('href="', start) + 6 : html.index('"', html.index('href="', start) + 6)]


def test_a_page_cached_for_one_host_is_not_served_to_another(client, db, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    url = AgreementFactory().get_absolute_url()

    first = client.get(url, HTTP_HOST="one.example")
    again = client.get(url, HTTP_HOST="one.example")
    other = client.get(url, HTTP_HOST="two.example")

    assert canonical_link(first).startswith("http://one.example/")
    assert again.context is None  # served from the cache
    assert canonical_link(other).startswith("http://two.example/")


def test_a_page_cached_over_http_is_not_served_over_https(client, db):
    url = AgreementFactory().get_absolute_url()
    client.get(url)
    assert canonical_link(client.get(url, secure=True)).startswith("https://")


def test_a_disallowed_host_never_reaches_the_cache(client, db, settings):
    settings.ALLOWED_HOSTS = ["one.example"]
    url = AgreementFactory().get_absolute_url()
    client.raise_request_exception = False  # whatever the error page does, nothing is kept
    client.get(url, HTTP_HOST="evil.example:6666")
    assert "evil.example" not in client.get(url, HTTP_HOST="one.example").content.decode()


def test_the_query_string_is_part_of_the_key(client, db):
    AgreementFactory(title="Alpha cooperation")
    AgreementFactory(title="Beta cooperation")
    client.get(LIST_URL, {"q": "Alpha"})
    beta = client.get(LIST_URL, {"q": "Beta"})
    assert [agreement.title for agreement in beta.context["object_list"]] == ["Beta cooperation"]


def test_staff_never_get_the_page_cached_for_readers(client, admin_client, db):
    AgreementFactory(title="Public cooperation")
    draft = AgreementFactory(title="Draft cooperation", status="draft", published_at=None)
    client.get(LIST_URL)
    assert draft.title in admin_client.get(LIST_URL).content.decode()
    assert draft.title not in client.get(LIST_URL).content.decode()


def test_an_update_retires_cached_pages(client, db):
    agreement = AgreementFactory(title="First title")
    url = agreement.get_absolute_url()
    client.get(url)
    Agreement.objects.filter(pk=agreement.pk).update(title="Second title")
    assert "Second title" in client.get(url).content.decode()


def test_a_page_reads_the_directory_version_once(client, db):
    """The page cache, counts, facets and charts all key by the version: one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AgreementFactory(fields=[FocusAreaFactory(slug="education")])
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("agreement-list"), {"field": "education", "year": "2024"})
    assert response.status_code == 200
    reads = [q for q in queries if "partnerships_directoryversion" in q["sql"]]
    assert len(reads) == 1


def test_a_write_within_a_request_moves_what_the_rest_of_it_reads(db):
    with DirectoryVersion.read_once():
        before = DirectoryVersion.current()
        AgreementFactory()
        assert DirectoryVersion.current() != before


def redis_url():
    """Redis for the shared-cache tests: required in CI, skipped elsewhere when absent."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception as error:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {url} ({error}); CI runs this test.")
    return url


def test_workers_sharing_redis_serve_one_cache_that_every_write_retires(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    agreement = AgreementFactory(title="First title")
    url = agreement.get_absolute_url()
    assert client.get(url).context is not None
    assert client.get(url).context is None  # from Redis
    assert cache.get(f"directory:page:{DirectoryVersion.current()}:nothing") is None

    Agreement.objects.filter(pk=agreement.pk).update(title="Second title")

    assert "Second title" in client.get(url).content.decode()


def test_an_institutions_agreement_count_follows_a_write_without_a_signal(client, db):
    """An institution's published agreements, shown beside it on many pages, are counted
    again after any write (here ``update()``, which sends no signal), single-party
    agreements included."""
    from partnerships.models import AgreementStatus, Institution

    hub, other = InstitutionFactory(), InstitutionFactory()
    AgreementFactory(parties=[hub, other])
    draft = AgreementFactory(parties=[hub], status=AgreementStatus.DRAFT, published_at=None)
    assert Institution.objects.agreement_counts([hub.pk, other.pk]) == {hub.pk: 1, other.pk: 1}

    Agreement.objects.filter(pk=draft.pk).update(
        status=AgreementStatus.PUBLISHED, published_at=draft.created_at
    )
    assert Institution.objects.agreement_counts([hub.pk, other.pk]) == {hub.pk: 2, other.pk: 1}
    listed = client.get(reverse("institution-list"), {"sort": "agreements"}).context["object_list"]
    assert [(institution.pk, institution.agreement_count) for institution in listed] == [
        (hub.pk, 2),
        (other.pk, 1),
    ]
