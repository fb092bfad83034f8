"""The stores, and the only layer that talks to them.

Owns the SQLite connection factory (`db`), the optional Postgres media store (`pg`), opening
and migrating every enabled store (`connect`), the numbered migrations and their SQL files
(`migrate`, `migrations/`), the outbox for cross-store writes (`outbox`) and the vector store
(`vectors`). Imports only the base modules (`config`, `errors`, `fsutil`).
"""
