from django.urls import path

from funding import dossier_views as views

app_name = "dossiers"

urlpatterns = [
    path("projet/<int:pk>/deposer/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/budget.csv", views.budget, name="csv"),
    path("<int:pk>/pieces/<int:file_pk>/", views.dossier_file, name="file"),
]
