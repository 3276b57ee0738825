"""Shared platforms, demonstrators and equipment, and access requests

Namespace `platforms`, /plateformes/."""

from django.urls import path

from members import platform_views

app_name = "platforms"

urlpatterns = [
    path("", platform_views.platform_list, name="list"),
    path("nouvelle/", platform_views.platform_create, name="create"),
    path("demandes/", platform_views.access_requests, name="requests"),
    path("demandes/<int:pk>/repondre/", platform_views.answer, name="answer"),
    path("<slug:slug>/", platform_views.platform_detail, name="detail"),
    path("<slug:slug>/modifier/", platform_views.platform_edit, name="edit"),
    path("<slug:slug>/demander-acces/", platform_views.request_access, name="request_access"),
]
