"""Public records of funded projects, with their outcomes

Namespace `funded`, /projets-finances/."""

from django.urls import path  # noqa: F401

app_name = "funded"

urlpatterns: list = []
