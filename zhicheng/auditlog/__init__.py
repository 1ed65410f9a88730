"""The audit log's read pages and API, for the audit admin and the discipline observer: above accounts, unlike audit."""
