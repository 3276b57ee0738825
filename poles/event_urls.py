"""Events: public lists per pôle and across pôles, registration, .ics

Namespace `events`, /evenements/."""

from django.urls import path

from poles import event_views as views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("mes-inscriptions/", views.my_registrations, name="mine"),
    path("pole/<slug:slug>/", views.pole_events, name="pole"),
    path("pole/<slug:slug>/calendrier.ics", views.pole_feed, name="pole_feed"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/evenement.ics", views.event_ics, name="ics"),
    path("<slug:slug>/inscription/", views.register, name="register"),
    path("<slug:slug>/annulation/", views.cancel, name="cancel"),
]
