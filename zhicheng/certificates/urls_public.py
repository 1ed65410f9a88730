from django.urls import path

from . import views_public

app_name = "public_certificates"
urlpatterns = [
    path("", views_public.verify, name="verify"),
    path("v/<str:code>/", views_public.by_code, name="by_code"),
    path("pdf/", views_public.verify_pdf, name="verify_pdf"),
]
