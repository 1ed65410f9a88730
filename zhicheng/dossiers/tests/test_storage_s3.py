"""Evidence on S3-compatible storage (ZHICHENG_STORAGE=s3, django-storages): uploaded through the app, it lands in
the bucket, not on the app server's disk, and downloads byte-identical. The bucket is moto's server mode, started
here on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.services import section_item_create
from zhicheng.files.tests import samples as files

from .factories import at, dossier_for, valid_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inside_window")]
BUCKET = "zhicheng-evidence"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("moto's server did not start")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_endpoint, tmp_path):
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                          aws_secret_access_key="test")
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = str(tmp_path / "media")  # must stay empty: nothing may land on the app server's disk
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1", "access_key": "test",
        "secret_key": "test", "default_acl": None, "file_overwrite": False, "addressing_style": "path",
        "location": "private"}}}
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_evidence_uploaded_through_the_app_is_stored_in_the_bucket_and_reads_back(client, s3, campaign, applicant,
                                                                                  settings):
    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(applicant, campaign)
        row = section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))
    data = files.pdf_bytes(pages=2)
    login_verified(client, applicant)
    response = client.post(reverse("evidence:upload", args=[dossier.pk, "education"]),
                           {"file": SimpleUploadedFile("学历证书.pdf", data), "item_id": row.pk})
    assert response.status_code == 201, response.content

    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    evidence = [k for k in keys if k.startswith("private/evidence/") and k.endswith(".pdf")]
    assert len(evidence) == 1, keys
    assert evidence[0].replace(".pdf", ".preview.jpg") not in keys  # made when first asked for, below
    assert s3.get_object(Bucket=BUCKET, Key=evidence[0])["Body"].read() == data
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]

    download = client.get(response.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    preview = client.get(response.json()["preview_url"])
    assert preview.status_code == 200 and b"".join(preview.streaming_content)[:3] == b"\xff\xd8\xff"
    # the task that rendered the preview read the file from the bucket and wrote the preview beside it
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert evidence[0].replace(".pdf", ".preview.jpg") in keys
    other = client.get(reverse("evidence:download", args=[response.json()["id"] + 1000]))
    assert other.status_code == 404
