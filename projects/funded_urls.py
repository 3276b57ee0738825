"""Public records of funded projects, with their outcomes

Namespace `funded`, /projets-finances/."""

from django.urls import path

from projects import funded_views as views

app_name = "funded"

urlpatterns = [
    path("", views.funded_list, name="list"),
    path("<int:pk>/", views.funded_detail, name="detail"),
]
