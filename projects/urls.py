from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.partner_search_list, name="list"),
    path("nouvelle/", views.partner_search_create, name="create"),
    path("mes-interets/", views.my_interests, name="my_interests"),
    path("<int:pk>/", views.partner_search_detail, name="detail"),
    path("<int:pk>/modifier/", views.partner_search_edit, name="edit"),
    path("<int:pk>/cloturer/", views.partner_search_close, name="close"),
    path("<int:pk>/interet/", views.express_interest, name="express_interest"),
    path("<int:pk>/suivre/", views.follow, name="follow"),
    path("<int:pk>/ne-plus-suivre/", views.unfollow, name="unfollow"),
    path("interets/<int:pk>/reponse/", views.answer_interest, name="answer_interest"),
]
