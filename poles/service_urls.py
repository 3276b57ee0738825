"""The services pôles offer their members, and members' requests

Namespace `services`, /services/."""

from django.urls import path

from poles import service_views

app_name = "services"

urlpatterns = [
    path("", service_views.service_list, name="list"),
    path("mes-demandes/", service_views.my_requests, name="mine"),
    path("<int:pk>/", service_views.service_detail, name="detail"),
    path("<int:pk>/demander/", service_views.service_request, name="request"),
]
