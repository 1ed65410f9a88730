from django.urls import path

from . import views_auth

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.LogoutView.as_view(), name="logout"),
    path("otp/setup/", views_auth.otp_setup, name="otp_setup"),
    path("otp/verify/", views_auth.otp_verify, name="otp_verify"),
    path("tokens/", views_auth.tokens, name="tokens"),
    path("password/", views_auth.password_change, name="password_change"),
    path("locks/", views_auth.locks, name="locks"),
    path("unlock/", views_auth.self_unlock, name="unlock"),
    path("unlock/<str:token>/", views_auth.unlock_link, name="unlock_link"),
]
