"""Events: public lists per pôle and across pôles, registration, .ics

Namespace `events`, /evenements/."""

from django.urls import path  # noqa: F401

app_name = "events"

urlpatterns: list = []
