"""The services pôles offer their members, and members' requests

Namespace `services`, /services/."""

from django.urls import path  # noqa: F401

app_name = "services"

urlpatterns: list = []
