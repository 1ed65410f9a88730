"""Evidence files: inspection by content, streaming storage under random names, previews, attaching to a dossier.

The type comes from the bytes, never the name: a JPEG called "scan.pdf" is accepted and stored as a JPEG with its
original name kept (`evidence_download_name` gives "scan.jpg" on download). Encrypted PDFs are always refused.
"""

from .attach import evidence_attach, evidence_used_bytes
from .inspection import (
    ALLOWED,
    EXTENSIONS,
    MAX_PIXELS,
    MB,
    PREVIEW_EDGE,
    PREVIEW_MAX_PIXELS,
    Inspected,
    evidence_clean_name,
    evidence_dossier_limit_bytes,
    evidence_dossier_room_check,
    evidence_download_name,
    evidence_file_limit_bytes,
    evidence_inspect,
    evidence_size_check,
    evidence_too_large_error,
)
from .storage import (
    evidence_preview_name,
    evidence_preview_render,
    evidence_preview_store,
    evidence_storage_discard,
    evidence_storage_name,
    evidence_store,
    evidence_store_then,
)

__all__ = [
    "ALLOWED", "EXTENSIONS", "MAX_PIXELS", "MB", "PREVIEW_EDGE", "PREVIEW_MAX_PIXELS", "Inspected",
    "evidence_attach", "evidence_clean_name", "evidence_dossier_limit_bytes", "evidence_dossier_room_check",
    "evidence_download_name", "evidence_file_limit_bytes", "evidence_inspect", "evidence_preview_name",
    "evidence_preview_render", "evidence_preview_store", "evidence_size_check", "evidence_storage_discard",
    "evidence_storage_name", "evidence_store", "evidence_store_then", "evidence_too_large_error",
    "evidence_used_bytes",
]
