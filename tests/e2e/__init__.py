"""End-to-end tests against a real darasa server process."""
