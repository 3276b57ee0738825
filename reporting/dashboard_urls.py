"""Dashboards: the network's public summary and each pôle's

Namespace `dashboards`, /tableaux-de-bord/."""

from django.urls import path  # noqa: F401

app_name = "dashboards"

urlpatterns: list = []
