"""Project pages of the consortium members, under /projets/ (namespace `consortium`)."""

from django.urls import path

from projects import invitation_views, outcome_views
from projects import project_views as views

app_name = "consortium"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/eligibilite/", views.project_checklist, name="checklist"),
    path("<int:pk>/modifier/", views.project_edit, name="edit"),
    path("<int:pk>/abandonner/", views.project_withdraw, name="withdraw"),
    path("<int:pk>/labels/", views.request_labels, name="request_labels"),
    path("<int:pk>/partenaires/<int:partner_pk>/", views.part_edit, name="part"),
    path(
        "<int:pk>/partenaires/<int:partner_pk>/retirer/",
        views.remove_partner,
        name="remove_partner",
    ),
    path(
        "<int:pk>/partenaires/<int:partner_pk>/pieces/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/pieces/<int:attachment_pk>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    # Outcome reports of a funded project (projects/outcome_views.py)
    path("<int:pk>/retombees/nouveau/", outcome_views.outcome_create, name="outcome_create"),
    path(
        "<int:pk>/retombees/<int:outcome_pk>/modifier/",
        outcome_views.outcome_edit,
        name="outcome_edit",
    ),
    # Invitations (projects/invitation_views.py)
    path("<int:pk>/inviter/", invitation_views.invite, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/annuler/",
        invitation_views.cancel_invitation,
        name="cancel_invitation",
    ),
    path(
        "invitations/<int:invitation_pk>/",
        invitation_views.invitation_detail,
        name="invitation",
    ),
]
