import pytest


@pytest.mark.django_db
def test_openapi_schema_loads(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "职称申报评审系统 API"


@pytest.mark.django_db
def test_api_docs_use_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "https://" not in html
