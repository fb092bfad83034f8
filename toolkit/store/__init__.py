"""The stores, and the only layer that talks to them.

Owns the SQLite connection factory (`db`), the optional Postgres media store (`pg`), opening
and migrating every enabled store (`connect`), the numbered migrations and their SQL files
(`migrate`, `migrations/`) and the outbox for cross-store writes (`outbox`). One module per
aggregate owns its SQL: chats and messages (`messages`), a chat's zone and the chat listing
(`chats`), earlier versions of messages, the exports each chat came from, re-datings under
way and chat aliases (`history`), merging one chat into another (`merging`), proposals and
events (`proposals`),
assistant messages (`agent_messages`), review positions (`review_state`), pipeline runs
(`runs`), the vector store's tables and backends (`vectors`), the Postgres media rows
(`attachments`). Across them: cross-store consistency checks (`checks`), consistent copies
and row counts for backups (`snapshots`), run-summary counts (`figures`) and read-only DuckDB
analytics (`analytics`). Imports only the base modules (`config`, `errors`, `fsutil`).
"""
