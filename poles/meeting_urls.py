"""One-to-one business meetings at a rendez-vous d'affaires

Namespace `meetings`, /rendez-vous/."""

from django.urls import path

from poles import meeting_views as views

app_name = "meetings"

urlpatterns = [
    path("demandes/<int:pk>/accepter/", views.accept, name="accept"),
    path("demandes/<int:pk>/decliner/", views.decline, name="decline"),
    path("demandes/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<slug:slug>/", views.participants, name="participants"),
    path("<slug:slug>/demander/<int:pk>/", views.request_meeting, name="request"),
    path("<slug:slug>/mon-agenda/", views.agenda, name="agenda"),
    path("<slug:slug>/mon-agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("<slug:slug>/mes-preferences/", views.profile, name="profile"),
]
