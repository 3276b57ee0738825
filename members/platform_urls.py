"""Shared platforms, demonstrators and equipment, and access requests

Namespace `platforms`, /plateformes/."""

from django.urls import path  # noqa: F401

app_name = "platforms"

urlpatterns: list = []
