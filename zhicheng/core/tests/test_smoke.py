import pytest


@pytest.mark.django_db
def test_openapi_schema_loads(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "职称申报评审系统 API"
