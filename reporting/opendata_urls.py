"""Open data: CSV and JSON exports of public fields (namespace `opendata`, /donnees/)."""

from django.urls import path  # noqa: F401

app_name = "opendata"

urlpatterns: list = []
