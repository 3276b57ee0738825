from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from funding.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Staff read the calls; superusers edit them (rates and thresholds change per call)."""

    list_display = ["title", "slug", "scheme", "number", "opens_at", "closes_at"]
    list_filter = ["scheme"]
    search_fields = ["title", "slug"]
    fieldsets = [
        (None, {"fields": ["slug", "scheme", "number", "title", "opens_at", "closes_at"]}),
        (
            _("Taux d'aide (part des dépenses éligibles, 0,45 = 45 %)"),
            {
                "description": _(
                    "Les taux des organismes de recherche pour FUI 25, le taux des IRT/ITE "
                    "et celui des autres organismes ne sont pas confirmés par les sources."
                ),
                "fields": [
                    "rate_pme_in_territory",
                    "rate_pme_elsewhere",
                    "rate_eti_in_territory",
                    "rate_other_company",
                    "rate_research_marginal",
                    "rate_research_full",
                    "rate_rto",
                    "rate_other",
                ],
            },
        ),
        (
            _("Seuils d'éligibilité"),
            {
                "description": _(
                    "Règles bloquantes : entreprises, recherche, territoires, part d'un "
                    "partenaire. Avertissements : part de l'aide aux laboratoires, aide minimale."
                ),
                "fields": [
                    "min_companies",
                    "min_research_training",
                    "territory_labelling_min",
                    "territory_lead_min",
                    "partner_share_max",
                    "lab_aid_share_max",
                    "aid_min_eur",
                ],
            },
        ),
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
