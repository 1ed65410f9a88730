from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/pdf/", views.mine_pdf, name="mine_pdf"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/issue/", views.document_issue, name="issue"),
    path("documents/<int:pk>/zip/", views.document_zip, name="zip"),
    path("<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
    path("register/", views.register_export, name="register"),
]
