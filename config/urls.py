from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import views
from members import views as members_views

admin.site.site_header = "Portail des pôles — administration"
admin.site.site_title = "Portail des pôles"
admin.site.index_title = "Animation des pôles"

urlpatterns = [
    path("", include("poles.urls")),
    path("organisations/", include("members.urls")),
    path("recherches/", include("projects.urls")),
    path("projets/", include("projects.project_urls")),
    path("labellisation/", include("projects.labelling_urls")),
    path("dossiers/", include("funding.dossier_urls")),
    path("evaluation/", include("funding.review_urls")),
    path("comite/", include("funding.committee_urls")),
    path("evenements/", include("poles.event_urls")),
    path("rendez-vous/", include("poles.meeting_urls")),
    path("services/", include("poles.service_urls")),
    path("plateformes/", include("members.platform_urls")),
    path("mon-espace/adhesions/", include("members.membership_urls")),
    path("projets-finances/", include("projects.funded_urls")),
    path("tableaux-de-bord/", include("reporting.dashboard_urls")),
    path("donnees/", include("reporting.opendata_urls")),
    path("mon-espace/", members_views.dashboard, name="dashboard"),
    path("eligibility/", include("funding.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
