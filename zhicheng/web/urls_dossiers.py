"""The dossier pages: dossiers' own URL patterns, the composed pages served with their panels (web.panels)."""

from django.urls import URLPattern, path

from zhicheng.dossiers import urls as dossier_urls

from .panels import DOSSIER_PAGES, composed

app_name = dossier_urls.app_name


def _served(pattern: URLPattern) -> URLPattern:
    if pattern.name not in DOSSIER_PAGES:
        return pattern
    return path(str(pattern.pattern), composed(pattern.callback, pattern.name), name=pattern.name)


urlpatterns = [_served(p) for p in dossier_urls.urlpatterns]
