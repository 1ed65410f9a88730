"""Public verification: valid, revoked, not found — a wrong name and an unknown number take the same path and give
the same answer; no log-in, no ID number, rate-limited per client, garbage never a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhicheng.certificates import selectors
from zhicheng.certificates.models import Certificate, RevocationReason
from zhicheng.certificates.services import certificate_revoke
from zhicheng.dossiers.tests.factories import at

from .helpers import issued

pytestmark = pytest.mark.django_db
API = "/api/v1/public/certificates/verify"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    selectors.sm2_verified_forget()
    yield
    cache.clear()


@pytest.fixture
def certificate(tree, result):
    return issued(tree, [result]).certificates.get()


def _verify(number, name, **extra):
    return Client(**extra).get(API, {"number": number, "name": name})


class TestAnswers:
    def test_valid_with_the_fields_and_no_id_number(self, certificate):
        response = _verify(certificate.number, "王建国")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "valid" and body["title"] == "高级工程师" and body["register_signature_valid"]
        assert body["document_number"] == "新组发〔2024〕21号" and body["title_code"] == "0502"
        raw = response.content.decode()
        id_number = certificate.holder.id_number
        assert id_number not in raw and id_number[-4:] not in raw and "id_number" not in raw

    def test_a_name_typed_with_spaces_or_full_width_still_matches(self, certificate):
        assert _verify(f" {certificate.number} ", "王 建国").json()["status"] == "valid"

    def test_wrong_name_is_not_found_like_an_unknown_number(self, certificate):
        wrong = _verify(certificate.number, "王建").json()
        unknown = _verify("20240502999999", "王建国").json()
        assert wrong == unknown and wrong["status"] == "not_found" and wrong["name"] == ""

    def test_revoked_with_date_and_reason(self, tree, certificate):
        with at("2025-03-01T10:00:00+08:00"):
            certificate_revoke(actor=tree["office_leader"], certificate=certificate, reason=RevocationReason.FRAUD,
                               decision_document="新组发〔2025〕3号")
        body = _verify(certificate.number, "王建国").json()
        assert body["status"] == "revoked" and body["revoked_on"] == "2025-03-01"
        assert body["revoke_reason"] == "弄虚作假取得职称"

    def test_by_the_qr_code(self, certificate):
        body = Client().get(f"{API}/{certificate.code}").json()
        assert body["status"] == "valid" and body["name"] == "王建国"
        other = "B" if certificate.code.endswith("A") else "A"  # one character changed, never the same code
        assert Client().get(f"{API}/{certificate.code[:-1]}{other}").json()["status"] == "not_found"

    def test_a_certificate_not_yet_issued_is_not_found(self, tree, other_result):
        from .helpers import conferred

        cert = conferred(tree, [other_result]).certificates.get()
        assert _verify(cert.number, "李秀英").json()["status"] == "not_found"

    def test_tampered_register_data_shows(self, certificate):
        certificate.register = dict(certificate.register, title="正高级工程师")
        certificate.save(update_fields=["register"])
        body = _verify(certificate.number, "王建国").json()
        assert body["status"] == "tampered" and body["register_signature_valid"] is False


class TestSamePath:
    @pytest.mark.parametrize("case", ["valid", "wrong_name", "unknown"])
    def test_one_read_and_one_sm2_verification_the_first_time_whatever_the_answer(self, certificate, case,
                                                                                 django_assert_num_queries):
        number = "20240502999999" if case == "unknown" else certificate.number
        name = "张三" if case == "wrong_name" else "王建国"
        selectors._dummy()  # signed once per process, before the count
        with mock.patch("zhicheng.certificates.selectors.sm2_verify", wraps=selectors.sm2_verify) as sm2, \
                mock.patch("zhicheng.certificates.selectors.hmac.compare_digest",
                           wraps=selectors.hmac.compare_digest) as compare, django_assert_num_queries(2):
            first = selectors.certificate_verify(number=number, name=name)
            calls_first = sm2.call_count
            again = selectors.certificate_verify(number=number, name=name)
        # the first query of a number runs the real SM2 verification (an unknown number's too), a repeat is
        # answered from the process cache; every case reads once and compares the name in constant time
        assert (calls_first, sm2.call_count, compare.call_count) == (1, 1, 2)
        assert first == again

    @pytest.mark.parametrize("case", ["valid", "revoked", "wrong_name", "unknown", "tampered_row",
                                      "tampered_signature"])
    def test_the_cached_answer_is_the_full_verifications(self, tree, certificate, case):
        number, name = ("20240502999999" if case == "unknown" else certificate.number,
                        "张三" if case == "wrong_name" else "王建国")
        if case == "revoked":
            certificate_revoke(actor=tree["office_leader"], certificate=certificate, reason=RevocationReason.FRAUD,
                               decision_document="新组发〔2025〕3号")
        if case == "tampered_row":
            Certificate.objects.filter(pk=certificate.pk).update(register=dict(certificate.register, level="正高级"))
        if case == "tampered_signature":
            Certificate.objects.filter(pk=certificate.pk).update(sm2_signature="0" * 128)
        cold = selectors.certificate_verify(number=number, name=name)
        warm = selectors.certificate_verify(number=number, name=name)
        with mock.patch("zhicheng.certificates.selectors.sm2_verified",
                        lambda asked, register, signature: selectors.sm2_verify(register, signature)):
            full = selectors.certificate_verify(number=number, name=name)
        assert cold == warm == full
        expected = {"valid": "valid", "revoked": "revoked", "wrong_name": "not_found", "unknown": "not_found",
                    "tampered_row": "tampered", "tampered_signature": "tampered"}[case]
        assert full.status == expected

    def test_the_row_as_it_is_now_is_verified_each_time(self, certificate):
        """No cache of earlier answers: a change right after a valid check shows on the next one."""
        assert _verify(certificate.number, "王建国").json()["status"] == "valid"
        Certificate.objects.filter(pk=certificate.pk).update(
            register=dict(certificate.register, title="正高级工程师"))
        assert _verify(certificate.number, "王建国").json()["status"] == "tampered"


class TestBadInput:
    @pytest.mark.parametrize("number,name", [
        ("", ""), ("' OR 1=1 --", "王建国"), ("<script>alert(1)</script>", "<b>x</b>"), ("２０２４", "王建国"),
        ("%00", "%"), ("20240502000001", "王建国'; DROP TABLE certificates_certificate;--"),
    ])
    def test_garbage_is_a_clean_not_found(self, certificate, number, name):
        response = _verify(number, name)
        assert response.status_code == 200 and response.json()["status"] == "not_found"

    @pytest.mark.parametrize("number,name", [("9" * 5000, "王建国"), ("20240502000001", "王" * 500),
                                             ("2024\x00", "王建国"), ("20240502000001", "王\n建国")])
    def test_overlong_or_control_characters_are_400(self, certificate, number, name):
        response = _verify(number, name)
        assert response.status_code == 400 and response.json()["code"] == "malformed_query"

    def test_a_code_of_garbage_is_not_found_or_400(self, certificate):
        assert Client().get(f"{API}/..%2F..%2Fetc").status_code in (200, 404)
        assert Client().get(f"{API}/{'A' * 200}").status_code == 400

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(number=st.text(max_size=60), name=st.text(max_size=80))
    def test_any_text_never_500(self, certificate, number, name):
        cache.clear()
        response = _verify(number, name)
        assert response.status_code in (200, 400)

    def test_the_page_answers_garbage_with_a_message_not_a_500(self, certificate):
        response = Client().get("/public/certificates/", {"number": "x" * 3000, "name": "y"})
        assert response.status_code == 400 and "格式不正确" in response.content.decode()


class TestRateLimit:
    def test_each_client_address_has_its_budget(self, certificate):
        statuses = [_verify("1", "x", REMOTE_ADDR="10.1.1.1").status_code for _ in range(31)]
        assert statuses[:30] == [200] * 30 and statuses[30] == 429
        assert _verify("1", "x", REMOTE_ADDR="10.1.1.2").status_code == 200

    def test_the_page_shares_the_budget(self, certificate):
        for _ in range(30):
            _verify("1", "x", REMOTE_ADDR="10.1.1.3")
        page = Client(REMOTE_ADDR="10.1.1.3").get("/public/certificates/", {"number": "1", "name": "x"})
        assert page.status_code == 429


class TestPages:
    def test_verification_page_by_number_and_name(self, certificate):
        page = Client().get("/public/certificates/", {"number": certificate.number, "name": "王建国"})
        text = page.content.decode()
        assert page.status_code == 200 and "有效" in text and "高级工程师" in text
        assert certificate.holder.id_number not in text

    def test_verification_page_by_qr_url(self, certificate):
        page = Client().get(f"/public/certificates/v/{certificate.code}/")
        assert page.status_code == 200 and "王建国" in page.content.decode()

    def test_wrong_name_page_says_not_found(self, certificate):
        text = Client().get("/public/certificates/", {"number": certificate.number, "name": "李四"}).content.decode()
        assert "未查到" in text and "高级工程师" not in text


class TestUploadedPdf:
    def _upload(self, data: bytes, name="c.pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return Client().post("/api/v1/public/certificates/verify-pdf",
                             {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})

    def test_our_pdf_is_intact_and_matches_the_register(self, certificate):
        with default_storage.open(certificate.pdf.name, "rb") as fh:
            body = self._upload(fh.read()).json()
        assert body["signature_intact"] and body["signed_by_office"] and body["covers_whole_file"]
        assert body["matches_register"] and body["certificate"]["status"] == "valid"

    def test_a_changed_pdf_fails(self, certificate):
        with default_storage.open(certificate.pdf.name, "rb") as fh:
            data = bytearray(fh.read())
        data[200] ^= 0x01
        body = self._upload(bytes(data)).json()
        assert not body["matches_register"] and body["certificate"]["status"] == "not_found"

    def test_not_a_pdf_is_400(self, certificate):
        assert self._upload(b"hello").status_code == 400

    def test_the_page_checks_an_upload(self, certificate):
        from django.core.files.uploadedfile import SimpleUploadedFile

        with default_storage.open(certificate.pdf.name, "rb") as fh:
            upload = SimpleUploadedFile("c.pdf", fh.read(), content_type="application/pdf")
        client = Client(enforce_csrf_checks=True)
        client.get("/public/certificates/pdf/")
        page = client.post("/public/certificates/pdf/", {"file": upload,
                                                         "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        assert page.status_code == 200 and "内容与登记信息一致" in page.content.decode()


class TestTamperedRegister:
    """Someone with access to the database changes a certificate's row: the SM2 check tells the public."""

    def _page(self, number, name):
        return Client().get("/public/certificates/", {"number": number, "name": name}).content.decode()

    def test_a_changed_name_and_holder_name_show_as_broken_on_the_page(self, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(
            holder_name="李四", register=dict(certificate.register, name="李四"))
        page = self._page(certificate.number, "李四")
        assert "登记数据签名不符" in page and "SM2 签名不符，登记数据可能被改动" in page
        assert "SM2 签名有效" not in page
        assert _verify(certificate.number, "李四").json()["status"] == "tampered"

    def test_a_changed_title_shows_as_broken(self, certificate):
        Certificate.objects.filter(pk=certificate.pk).update(
            register=dict(certificate.register, title="正高级工程师"))
        body = _verify(certificate.number, "王建国").json()
        assert body["status"] == "tampered" and body["register_signature_valid"] is False

    @pytest.mark.parametrize("change", ["one_digit", "other_certificate", "empty", "garbage"])
    def test_a_changed_signature_shows_as_broken(self, certificate, change):
        from zhicheng.certificates.signing import sm2_sign

        signature = certificate.sm2_signature
        new = {"one_digit": signature[:-1] + ("0" if signature[-1] != "0" else "1"),
               "other_certificate": sm2_sign(dict(certificate.register, number="20240502000099")),
               "empty": "", "garbage": "zz" * 64}[change]
        Certificate.objects.filter(pk=certificate.pk).update(sm2_signature=new)
        body = _verify(certificate.number, "王建国").json()
        assert body["status"] == "tampered" and body["register_signature_valid"] is False


class TestSm2AgainstAnIndependentImplementation:
    """Our SM2 (Tongsuo, C) against gmssl (pure Python): the same answer over valid and changed register data."""

    @staticmethod
    def _gmssl_verify(register, signature):
        from gmssl import sm2

        from zhicheng.certificates.keys import sm2_keys
        from zhicheng.certificates.rules import register_canonical

        crypt = sm2.CryptSM2(private_key="", public_key=sm2_keys().public_hex)
        return bool(crypt.verify_with_sm3(signature, register_canonical(register)))

    @pytest.mark.parametrize("changed", [None, "name", "title", "id_number", "signature"])
    def test_gmssl_and_ours_agree(self, certificate, changed):
        from zhicheng.certificates.signing import sm2_verify

        register, signature = dict(certificate.register), certificate.sm2_signature
        if changed == "signature":
            signature = signature[:10] + ("a" if signature[10] != "a" else "b") + signature[11:]
        elif changed:
            register[changed] = register[changed] + "X"
        expected = changed is None
        assert self._gmssl_verify(register, signature) is expected
        assert sm2_verify(register, signature) is expected

    def test_a_signature_made_by_gmssl_verifies_with_ours(self, certificate):
        import secrets

        from gmssl import sm2

        from zhicheng.certificates.keys import SM2_N, sm2_keys
        from zhicheng.certificates.rules import register_canonical
        from zhicheng.certificates.signing import sm2_verify

        keys = sm2_keys()
        crypt = sm2.CryptSM2(private_key=keys.private_hex, public_key=keys.public_hex)
        nonce = f"{secrets.randbelow(SM2_N - 1) + 1:064x}"
        signature = crypt.sign_with_sm3(register_canonical(certificate.register), nonce)
        assert sm2_verify(certificate.register, signature)
        assert not sm2_verify(dict(certificate.register, name="李四"), signature)
