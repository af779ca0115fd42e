from django.urls import include, path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("language/", views.set_language, name="set_language"),
    path("", include("django.contrib.auth.urls")),
]
