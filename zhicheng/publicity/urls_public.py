from django.urls import path

from . import views_public

app_name = "public_publicity"
urlpatterns = [
    path("", views_public.public_list, name="list"),
    path("results/", views_public.public_results, name="results"),
    path("<int:entry_id>/objection/", views_public.objection_new, name="objection"),
    path("lookup/", views_public.objection_lookup, name="lookup"),
]
