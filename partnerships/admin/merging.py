"""“Merge into…”: the admin page that merges duplicates into the record to keep."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, path, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from partnerships.curation.addresses import model_of
from partnerships.curation.merge import MergeRefused, merge
from partnerships.models import AddressedModel


class MergeForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("Keep this record"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The others are merged into it and deleted."),
    )
    keep_address = forms.CharField(
        label=_("or keep another record"),
        required=False,
        max_length=300,
        help_text=_(
            "Its slug, public address or admin address, "
            "e.g. hong-kong-polytechnic-university or /institutions/polyu/."
        ),
    )

    def __init__(self, *args, records, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.records, self.model = records, model
        self.fields["keep"].choices = [(str(record.pk), str(record)) for record in records]
        if len(records) == 1:
            del self.fields["keep"]
            self.fields["keep_address"].label = gettext("Keep which record")
            self.fields["keep_address"].required = True

    def clean(self):
        cleaned_data = super().clean()
        chosen, address = cleaned_data.get("keep"), (cleaned_data.get("keep_address") or "").strip()
        if chosen and address:
            raise forms.ValidationError(
                gettext("Choose one of the records or give an address, not both.")
            )
        if chosen:
            cleaned_data["kept"] = next(r for r in self.records if str(r.pk) == chosen)
        elif address:
            cleaned_data["kept"] = self.record_at(address)
        elif not self.errors:
            raise forms.ValidationError(gettext("Choose the record to keep."))
        return cleaned_data

    def record_at(self, address):
        """The record an address or slug names; refused if it is another type's."""
        kind, key = self.model.ADDRESSED_AS, {"slug": address}
        if "/" in address:
            try:
                match = resolve(urlsplit(address).path)
            except Resolver404:
                raise forms.ValidationError(
                    {
                        "keep_address": gettext("No record lives at %(address)s.")
                        % {"address": address}
                    }
                ) from None
            name = match.url_name or ""
            if name.startswith("partnerships_") and name.endswith("_change"):
                kind = name.removeprefix("partnerships_").removesuffix("_change")
                key = {"pk": match.kwargs.get("object_id")}
            elif "slug" in match.kwargs:
                kind, key = name.split("-")[0], {"slug": match.kwargs["slug"]}
            else:
                raise forms.ValidationError(
                    {
                        "keep_address": gettext("%(address)s is not a record's address.")
                        % {"address": address}
                    }
                )
        if kind != self.model.ADDRESSED_AS:
            # Named as the model names itself, in lower case, like the type merged here.
            noun = model_of(kind)._meta.verbose_name if kind in AddressedModel.values else kind
            raise forms.ValidationError(
                {
                    "keep_address": gettext(
                        "%(address)s is a record of another type (%(other)s), not of the type "
                        "merged here (%(kind)s): only records of the same type are merged."
                    )
                    % {"address": address, "other": noun, "kind": self.model._meta.verbose_name}
                }
            )
        try:
            return model_of(kind).objects.get(**key)
        except (model_of(kind).DoesNotExist, ValueError):
            raise forms.ValidationError(
                {
                    "keep_address": gettext("No %(kind)s is at %(address)s.")
                    % {"kind": self.model._meta.verbose_name, "address": address}
                }
            ) from None


class MergeableAdmin:
    """For a ModelAdmin: a “Merge into…” action and page, and a link on each record."""

    change_form_template = "admin/partnerships/change_form_with_merge.html"

    actions = ["merge_into"]

    @admin.action(description=_("Merge selected into…"), permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(f"{self.merge_url()}?{urlencode({'ids': ids})}")

    def merge_url(self):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_merge")

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "merge/",
                self.admin_site.admin_view(self.merge_view),
                name=f"{opts.app_label}_{opts.model_name}_merge",
            ),
            *super().get_urls(),
        ]

    def merge_view(self, request):
        if not (self.has_delete_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        ids = [part for part in request.GET.get("ids", "").split(",") if part.isdigit()]
        records = list(self.model.objects.filter(pk__in=ids).order_by("pk"))
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if not records:
            messages.error(request, gettext("Choose the records to merge first."))
            return HttpResponseRedirect(changelist)
        form = MergeForm(request.POST or None, records=records, model=self.model)
        if request.method == "POST" and form.is_valid():
            kept = form.cleaned_data["kept"]
            others = [record for record in records if record.pk != kept.pk]
            try:
                if not others:
                    raise MergeRefused(
                        gettext("“%(record)s” cannot be merged into itself.") % {"record": kept}
                    )
                for other in others:
                    described = {"record": other, "slug": other.slug}
                    merge(other, kept)
                    self.log_change(
                        request,
                        kept,
                        gettext("Merged “%(record)s” (%(slug)s) into this record.") % described,
                    )
            except MergeRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Merged %(count)d into “%(record)s”: every link moved here, its names "
                        "kept as other names, its address leads here.",
                        "Merged %(count)d into “%(record)s”: every link moved here, their names "
                        "kept as other names, their addresses lead here.",
                        len(others),
                    )
                    % {"count": len(others), "record": kept},
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[kept.pk])
                )
        return render(
            request,
            "admin/partnerships/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Merge %(records)s") % {"records": opts.verbose_name_plural},
                "opts": opts,
                "records": records,
                "form": form,
                "changelist": changelist,
            },
        )
