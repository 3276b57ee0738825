"""Dashboards: the network's public summary and each pôle's

Namespace `dashboards`, /tableaux-de-bord/."""

from django.urls import path

from reporting import dashboard_views as views

app_name = "dashboards"

urlpatterns = [
    path("", views.network, name="network"),
    path("donnees/<slug:chart>.csv", views.network_csv, name="network_csv"),
    path("poles/<slug:slug>/", views.pole, name="pole"),
    path("poles/<slug:slug>/donnees/<slug:chart>.csv", views.pole_csv, name="pole_csv"),
]
