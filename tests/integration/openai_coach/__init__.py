"""The OpenAI-compatible coach against a fake chat-completions server."""
