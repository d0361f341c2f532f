"""Readings, findings and audit documents (JSON, HTML, PDF, XLSX, CSV)."""
