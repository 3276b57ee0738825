"""A member's memberships and fee calls (namespace `memberships`, /mon-espace/adhesions/)."""

from django.urls import path

from members import membership_views

app_name = "memberships"

urlpatterns = [
    path("", membership_views.membership_list, name="list"),
    path("appel/<str:reference>/", membership_views.fee_call_detail, name="fee_call"),
]
