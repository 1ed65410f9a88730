"""The office's signing keys: an X.509 certificate + private key (PAdES) and an SM2 key pair, read from files.

The files are named in settings (`ZHICHENG_CERT_SIGNING_CERT`, `ZHICHENG_CERT_SIGNING_KEY`,
`ZHICHENG_CERT_SM2_KEY`, `ZHICHENG_CERT_SM2_PUBLIC`); they are read once per process and never stored in the
database. `keys_demo_generate` writes a self-signed pair for the demo and the tests (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhicheng.core.errors import ApplicationError


@dataclass(frozen=True)
class Sm2Keys:
    private_hex: str  # 64 hex digits
    public_hex: str  # 128 hex digits (x‖y, no 04 prefix)


def _path(name: str) -> Path:
    value = getattr(settings, name, "") or ""
    if not value:
        raise ImproperlyConfigured(f"{name} is not set")
    return Path(value)


def keys_missing_error() -> ApplicationError:
    return ApplicationError("signing_keys_missing", "签章密钥未配置，请联系系统管理员",
                            "The office's signing keys are not configured", status=503)


@functools.cache
def pades_signer():
    """pyhanko's signer with the office's key and X.509 certificate (read once)."""
    from pyhanko.sign import signers

    cert, key = _path("ZHICHENG_CERT_SIGNING_CERT"), _path("ZHICHENG_CERT_SIGNING_KEY")
    if not (cert.is_file() and key.is_file()):
        raise keys_missing_error()
    passphrase = os.environ.get("ZHICHENG_CERT_SIGNING_KEY_PASSPHRASE", "")
    signer = signers.SimpleSigner.load(str(key), str(cert), key_passphrase=passphrase.encode() or None)
    if signer is None:
        raise keys_missing_error()
    return signer


@functools.cache
def office_certificate():
    """The office's X.509 certificate (asn1crypto), the trust root when we validate our own PDFs."""
    from pyhanko.keys import load_cert_from_pemder

    path = _path("ZHICHENG_CERT_SIGNING_CERT")
    if not path.is_file():
        raise keys_missing_error()
    return load_cert_from_pemder(str(path))


@functools.cache
def sm2_keys() -> Sm2Keys:
    private, public = _path("ZHICHENG_CERT_SM2_KEY"), _path("ZHICHENG_CERT_SM2_PUBLIC")
    if not (private.is_file() and public.is_file()):
        raise keys_missing_error()
    return Sm2Keys(private.read_text().strip(), public.read_text().strip())


@functools.cache
def sm2_private_key():
    """The office's SM2 private key as a Tongsuo key object (built once per process from the hex file)."""
    from tongsuopy.crypto.asymciphers import ec

    return ec.derive_private_key(int(sm2_keys().private_hex, 16), ec.SM2())


@functools.cache
def sm2_public_key():
    """The office's SM2 public key (x‖y from its own file, which is what the public verification trusts)."""
    from tongsuopy.crypto.asymciphers import ec

    public = sm2_keys().public_hex
    return ec.EllipticCurvePublicNumbers(int(public[:64], 16), int(public[64:], 16), ec.SM2()).public_key()


def keys_reset() -> None:
    """Forget the loaded keys (after the files were replaced; tests)."""
    from . import signing

    for cached in (pades_signer, office_certificate, sm2_keys, sm2_private_key, sm2_public_key,
                   signing.pdf_signature_reserve, signing._pdf_signer, signing._office_signer):
        cached.cache_clear()


SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123  # order of the SM2 curve's base point


def sm2_public_from_private(private_hex: str) -> str:
    """x‖y (128 hex digits, no 04 prefix) of the public key of `private_hex`."""
    from tongsuopy.crypto.asymciphers import ec

    numbers = ec.derive_private_key(int(private_hex, 16), ec.SM2()).public_key().public_numbers()
    return f"{numbers.x:064x}{numbers.y:064x}"


def sm2_private_new() -> str:
    """A private key from the OS's CSPRNG in [1, n-2] (GB/T 32918 wants d < n-1)."""
    import secrets

    return f"{secrets.randbelow(SM2_N - 2) + 1:064x}"


def keys_demo_generate(folder: Path, *, issuer: str = "职称改革工作领导小组办公室（演示）") -> dict[str, Path]:
    """Write a self-signed EC P-256 certificate + key and an SM2 key pair into `folder` unless they are there."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"cert": folder / "office-cert.pem", "key": folder / "office-key.pem",
             "sm2_key": folder / "office-sm2.key", "sm2_public": folder / "office-sm2.pub"}
    if not (paths["cert"].is_file() and paths["key"].is_file()):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer),
                          x509.NameAttribute(NameOID.COMMON_NAME, issuer)])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(key, hashes.SHA256())
        )
        paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        os.chmod(paths["key"], 0o600)
        paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if not (paths["sm2_key"].is_file() and paths["sm2_public"].is_file()):
        private = sm2_private_new()
        paths["sm2_key"].write_text(private + "\n")
        os.chmod(paths["sm2_key"], 0o600)
        paths["sm2_public"].write_text(sm2_public_from_private(private) + "\n")
    return paths
