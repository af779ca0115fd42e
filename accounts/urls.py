from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import ThrottledAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("language/", views.set_language, name="set_language"),
    path("", include("django.contrib.auth.urls")),
]
