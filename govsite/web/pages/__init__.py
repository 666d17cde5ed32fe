"""The server-rendered pages, one router per module (all Chinese, all behind a login)."""
