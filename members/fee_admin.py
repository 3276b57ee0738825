"""Admin pages (registered on import by the app's admin module): fee scales and fee calls.

Superusers see every pôle; a pôle's staff see and manage their pôles' scales and calls only.
Fee calls are issued from the memberships' list (action) and change only through the services
of members.fees (paid, cancelled): their fields are never edited by hand.
"""

import csv
import io

from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members import fees, permissions
from members.admin_scoping import StaffPoleFilter
from members.models import FeeCall, FeeScale
from poles.templatetags.portal import euros


class FeeCallPoleFilter(StaffPoleFilter):
    field_path = "membership__pole__slug"


class FeeScopedAdmin(admin.ModelAdmin):
    """Open to superusers and to pôle staff, narrowed to their pôles by `scoped_queryset`."""

    def scoped_queryset(self, request):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scoped_queryset(request)

    def has_module_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def has_view_permission(self, request, obj=None):
        if not permissions.admin_can_manage_members(request.user):
            return False
        return obj is None or self.scoped_queryset(request).filter(pk=obj.pk).exists()


def _report(model_admin, request, done: int, errors: list[str], message) -> None:
    if done:
        model_admin.message_user(request, message % {"count": done}, messages.SUCCESS)
    for error in errors:
        model_admin.message_user(request, error, messages.WARNING)


@admin.register(FeeScale)
class FeeScaleAdmin(FeeScopedAdmin):
    list_display = ["pole", "year_label", "college", "size_label", "amount"]
    list_filter = ["year", "college", StaffPoleFilter]
    list_select_related = ["pole"]
    search_fields = ["pole__name", "pole__short_name"]
    ordering = ["pole__name", "-year", "college", "size_category"]
    fields = ["pole", "year", "college", "size_category", "amount_eur"]
    actions = ["copy_to_next_year"]

    def scoped_queryset(self, request):
        return FeeScale.objects.filter(pole__in=permissions.staff_poles(request.user))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    has_delete_permission = has_change_permission

    def has_add_permission(self, request):
        return permissions.admin_can_manage_members(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pole":
            kwargs["queryset"] = permissions.staff_poles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("année"), ordering="year")
    def year_label(self, obj):
        return str(obj.year)  # not "2 026"

    @admin.display(description=_("taille"), ordering="size_category")
    def size_label(self, obj):
        return obj.get_size_category_display() or _("toutes")

    @admin.display(description=_("cotisation HT"), ordering="amount_eur")
    def amount(self, obj):
        return euros(obj.amount_eur)

    @admin.action(description=_("Copier vers l'année suivante"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        copied, skipped = fees.copy_fee_scales(actor=request.user, scales=queryset)
        if copied:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ligne de barème copiée vers l'année suivante.",
                    "%(count)d lignes de barème copiées vers l'année suivante.",
                    copied,
                )
                % {"count": copied},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ligne existait déjà l'année suivante : gardée telle quelle.",
                    "%(count)d lignes existaient déjà l'année suivante : gardées telles quelles.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


CSV_COLUMNS = [
    ("reference", "Référence"),
    ("organisation", "Organisation"),
    ("siren", "SIREN"),
    ("pole", "Pôle"),
    ("college", "Collège"),
    ("year", "Année"),
    ("amount_eur", "Montant HT (€)"),
    ("issued_on", "Émis le"),
    ("due_on", "Échéance"),
    ("status", "Statut"),
    ("paid_on", "Payé le"),
]


def fee_calls_csv(queryset) -> bytes:
    """The fee calls as CSV (UTF-8 with BOM, for spreadsheets), one line per call."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _name, label in CSV_COLUMNS])
    for call in queryset.select_related("membership__organisation", "membership__pole"):
        membership = call.membership
        writer.writerow(
            [
                call.reference,
                membership.organisation.name,
                membership.organisation.siren,
                membership.pole.short_name,
                membership.get_college_display(),
                call.year,
                call.amount_eur,
                call.issued_on.isoformat(),
                call.due_on.isoformat(),
                call.get_status_display(),
                call.paid_on.isoformat() if call.paid_on else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


@admin.register(FeeCall)
class FeeCallAdmin(FeeScopedAdmin):
    list_display = [
        "reference",
        "organisation",
        "pole",
        "year_label",
        "amount",
        "status",
        "due_on",
        "paid_on",
    ]
    list_filter = ["year", "status", FeeCallPoleFilter, "membership__college"]
    list_select_related = ["membership__organisation", "membership__pole"]
    search_fields = [
        "reference",
        "membership__organisation__name",
        "membership__organisation__siren",
    ]
    date_hierarchy = "due_on"
    fields = [
        "reference",
        "membership",
        "year_label",
        "amount",
        "issued_on",
        "due_on",
        "status",
        "paid_on",
        "recorded_by",
        "printable",
    ]
    readonly_fields = fields
    actions = ["mark_paid_today", "cancel_calls", "export_csv"]

    def scoped_queryset(self, request):
        return FeeCall.objects.filter(
            membership__pole__in=permissions.staff_poles(request.user)
        ).select_related("membership__organisation", "membership__pole", "recorded_by")

    # Calls are issued from the memberships and change through the services only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("organisation"), ordering="membership__organisation__name")
    def organisation(self, obj):
        return obj.membership.organisation.name

    @admin.display(description=_("pôle"), ordering="membership__pole__name")
    def pole(self, obj):
        return str(obj.membership.pole)

    @admin.display(description=_("montant HT"), ordering="amount_eur")
    def amount(self, obj):
        return euros(obj.amount_eur)

    @admin.display(description=_("année"), ordering="year")
    def year_label(self, obj):
        return str(obj.year)

    @admin.display(description=_("page imprimable"))
    def printable(self, obj):
        url = reverse("memberships:fee_call", kwargs={"reference": obj.reference})
        return format_html('<a href="{}">{}</a>', url, _("Voir l'appel de cotisation"))

    def _apply(self, request, queryset, service, message, **kwargs):
        """Run `service` on each call; `message(count)` says how many went through."""
        done, errors = 0, []
        for fee_call in queryset:
            try:
                service(actor=request.user, fee_call=fee_call, **kwargs)
            except fees.FeeError as error:
                errors.append(str(error))
            else:
                done += 1
        _report(self, request, done, errors, message(done))

    @admin.action(description=_("Marquer payée (aujourd'hui)"), permissions=["view"])
    def mark_paid_today(self, request, queryset):
        self._apply(
            request,
            queryset,
            fees.record_payment,
            lambda count: ngettext(
                "%(count)d cotisation marquée payée.",
                "%(count)d cotisations marquées payées.",
                count,
            ),
            paid_on=timezone.localdate(),
        )

    @admin.action(description=_("Annuler"), permissions=["view"])
    def cancel_calls(self, request, queryset):
        self._apply(
            request,
            queryset,
            fees.cancel_fee_call,
            lambda count: ngettext(
                "%(count)d appel de cotisation annulé.",
                "%(count)d appels de cotisation annulés.",
                count,
            ),
        )

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(fee_calls_csv(queryset), content_type="text/csv; charset=utf-8")
        filename = f"appels-de-cotisation-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
