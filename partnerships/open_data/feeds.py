"""Atom feeds of newly published agreements: all of them, per institution, per field."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from partnerships.models import Agreement, FocusArea, Institution

FEED_SIZE = 50


class TextSummaryAtomFeed(Atom1Feed):
    """Atom with summaries as ``type="text"``: a reader shows them as typed, so markup
    in a summary (``<script>``…) stays words and never becomes live HTML."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class AgreementFeed(Feed):
    """Newest published first; an entry's date is when the directory published it."""

    feed_type = TextSummaryAtomFeed
    author_name = settings.SITE_NAME

    def title(self, obj=None):
        return f"New agreements · {settings.SITE_NAME}"

    def subtitle(self, obj=None):
        return "University–hospital partnership agreements, newest in the directory first."

    def link(self, obj=None):
        return reverse("agreement-list")

    def feed_url(self, obj=None):
        return reverse("open_data:agreement-feed")

    def agreements(self, obj):
        return Agreement.objects.published()

    def items(self, obj=None):
        return self.agreements(obj).for_list().order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parties = " and ".join(link.institution.name for link in item.party_links.all())
        lines = [f"{item.get_kind_display()} between {parties}, signed {item.signed_on_display}."]
        fields = ", ".join(area.name for area in item.focus_areas.all())
        if fields:
            lines.append(f"Fields: {fields}.")
        if item.summary:
            lines.append(item.summary)
        return " ".join(lines)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [area.name for area in item.focus_areas.all()]


class InstitutionAgreementFeed(AgreementFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Institution, slug=slug)

    def title(self, obj=None):
        return f"New agreements of {obj.name} · {settings.SITE_NAME}"

    def subtitle(self, obj=None):
        return f"Partnership agreements to which {obj.name} is a party, newest first."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("open_data:institution-feed", kwargs={"slug": obj.slug})

    def agreements(self, obj):
        return Agreement.objects.published().involving(obj)


class FocusAreaAgreementFeed(AgreementFeed):
    def get_object(self, request, slug):
        return get_object_or_404(FocusArea, slug=slug)

    def title(self, obj=None):
        return f"New agreements in {obj.name} · {settings.SITE_NAME}"

    def subtitle(self, obj=None):
        return f"Partnership agreements in {obj.name}, its sub-fields included, newest first."

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("open_data:focusarea-feed", kwargs={"slug": obj.slug})

    def agreements(self, obj):
        return Agreement.objects.published().in_field(obj)
