"""Open data: CSV and JSON exports of public fields (namespace `opendata`, /donnees/)."""

from django.urls import path

from reporting import opendata_views as views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("organisations.csv", views.organisations_csv, name="organisations_csv"),
    path("organisations.json", views.organisations_json, name="organisations_json"),
    path("projets-finances.csv", views.funded_projects_csv, name="funded_projects_csv"),
    path("projets-finances.json", views.funded_projects_json, name="funded_projects_json"),
]
