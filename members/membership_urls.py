"""A member's memberships and fee calls (namespace `memberships`, /mon-espace/adhesions/)."""

from django.urls import path  # noqa: F401

app_name = "memberships"

urlpatterns: list = []
