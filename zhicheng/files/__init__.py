"""Stored files: inspection by content, streaming upload, storage under random names, previews made off-request.

Every app that keeps a file (evidence, objection attachments, sealed papers, the bureau's imports, later
certificates, tally sheets, minutes, exports and archive bundles) stores it through this app. It imports only
`core`, `audit` and Django; the owning rows keep a `FileField` with the stored name, and `StoredFile` (keyed by
that name) carries what the bytes are and the state of their preview.
"""
