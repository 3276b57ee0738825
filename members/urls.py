from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("<slug:slug>/", views.organisation_detail, name="organisation"),
    path("<slug:slug>/modifier/", views.organisation_edit, name="edit"),
    path("<slug:slug>/rejoindre/", views.organisation_join, name="join"),
    path(
        "<slug:slug>/demandes/<int:pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path("<slug:slug>/adhesion/", views.membership_request, name="membership_request"),
]
