from django.urls import path

from funding import review_views as views

app_name = "review"

urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("<int:pk>/", views.assignment_detail, name="assignment"),
    path("<int:pk>/conflit/", views.declare_conflict, name="conflict"),
]
