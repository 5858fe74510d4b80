"""sitemap.xml: an index of one section per record type (each paginates past 50,000)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from partnerships.models import Agreement, FocusArea, Institution, Person, Source


class ListPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "agreement-list", "institution-list", "person-list", "focusarea-list"]

    def location(self, item):
        return reverse(item)


class AgreementSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Agreement.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class InstitutionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Institution.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Person.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class FocusAreaSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return FocusArea.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class SourceSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Source.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": ListPagesSitemap,
    "agreements": AgreementSitemap,
    "institutions": InstitutionSitemap,
    "people": PersonSitemap,
    "fields": FocusAreaSitemap,
    "sources": SourceSitemap,
}
