"""The call managers' pages, under /comite/ (`funding.committee_views`)."""

from django.urls import path

from funding import committee_views as views

app_name = "committee"

urlpatterns = [
    path("", views.call_list, name="calls"),
    path("<slug:slug>/", views.call_detail, name="call"),
    path("<slug:slug>/assigner/", views.assign, name="assign"),
    path("<slug:slug>/assignations/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<slug:slug>/evaluations/<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("<slug:slug>/classement/", views.call_ranking, name="ranking"),
    path("<slug:slug>/communiquer/", views.release, name="release"),
    path("<slug:slug>/projets/<int:project_pk>/decision/", views.decision, name="decision"),
    path("<slug:slug>/projets/<int:project_pk>/historique/", views.history, name="history"),
]
