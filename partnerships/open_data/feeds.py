"""Atom feeds of newly published agreements: all of them, per institution, per field."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from partnerships.licence import data_licence
from partnerships.models import Agreement, FocusArea, Institution
from partnerships.models.common import reads_chinese

FEED_SIZE = 50


class TextSummaryAtomFeed(Atom1Feed):
    """Atom with summaries as ``type="text"``: a reader shows them as typed, so markup
    in a summary (``<script>``…) stays words and never becomes live HTML."""

    def item_attributes(self, item):
        # An entry whose title is in the other language says so; its summary (written in
        # the feed's language) says the feed's.
        title_language = item.get("title_language") or self.feed["language"]
        if title_language.split("-")[0].lower() != self.feed["language"].split("-")[0].lower():
            return {"xml:lang": title_language}
        return {}

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            attributes = {"type": "text"}
            if "xml:lang" in self.item_attributes(item):
                attributes["xml:lang"] = self.feed["language"]
            handler.addQuickElement("summary", summary, attributes)


class AgreementFeed(Feed):
    """Newest published first; an entry's date is when the directory published it."""

    feed_type = TextSummaryAtomFeed
    author_name = settings.SITE_NAME

    def title(self, obj=None):
        return _("New agreements · %(site)s") % {"site": _("Partnership Directory")}

    def subtitle(self, obj=None):
        return _("University–hospital partnership agreements, newest in the directory first.")

    def link(self, obj=None):
        return reverse("agreement-list")

    def feed_url(self, obj=None):
        return reverse("open_data:agreement-feed")

    def agreements(self, obj):
        return Agreement.objects.published()

    def items(self, obj=None):
        return self.agreements(obj).for_list().order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.reader_name

    def item_extra_kwargs(self, item):
        return {"title_language": item.names_for_reader()[0][1]}

    def item_description(self, item):
        parties = _(" and ").join(link.institution.reader_name for link in item.party_links.all())
        lines = [
            _("%(kind)s between %(parties)s, signed %(signed)s.")
            % {
                "kind": item.get_kind_display(),
                "parties": parties,
                "signed": item.signed_on_display,
            }
        ]
        fields = _(", ").join(area.reader_name for area in item.focus_areas.all())
        if fields:
            lines.append(_("Fields: %(fields)s.") % {"fields": fields})
        summary = item.summary_zh_hans if reads_chinese() and item.summary_zh_hans else item.summary
        if summary:
            lines.append(summary)
        return " ".join(lines)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        """The record's last change, as the sitemap's ``lastmod`` and the API's ``updated_at``."""
        return item.updated_at

    def feed_copyright(self, obj=None):
        """Atom ``<rights>``: the data licence."""
        licence = data_licence()
        return f"Data published under {licence.title}: {licence.url}"

    def item_categories(self, item):
        return [area.reader_name for area in item.focus_areas.all()]


class InstitutionAgreementFeed(AgreementFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Institution.objects.public(), slug=slug)

    def title(self, obj=None):
        return _("New agreements of %(name)s · %(site)s") % {
            "name": obj.reader_name,
            "site": _("Partnership Directory"),
        }

    def subtitle(self, obj=None):
        return _("Partnership agreements to which %(name)s is a party, newest first.") % {
            "name": obj.reader_name
        }

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
        return _("New agreements in %(name)s · %(site)s") % {
            "name": obj.reader_name,
            "site": _("Partnership Directory"),
        }

    def subtitle(self, obj=None):
        return _("Partnership agreements in %(name)s, its sub-fields included, newest first.") % {
            "name": obj.reader_name
        }

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("open_data:focusarea-feed", kwargs={"slug": obj.slug})

    def agreements(self, obj):
        return Agreement.objects.published().in_field(obj)
