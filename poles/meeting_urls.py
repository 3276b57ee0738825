"""One-to-one business meetings at a rendez-vous d'affaires

Namespace `meetings`, /rendez-vous/."""

from django.urls import path  # noqa: F401

app_name = "meetings"

urlpatterns: list = []
