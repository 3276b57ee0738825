from django.urls import path

from projects import labelling_views as views

app_name = "labelling"

urlpatterns = [
    path("", views.label_request_list, name="list"),
    path("<int:pk>/", views.label_request_decide, name="decide"),
]
