"""Events found in messages and images.

Owns the rule-based text resolver: `text` (the entry point and the `extract-events` batch),
date/time `mentions`, the message cut into `clauses`, each clause's `reading` (event, deadline,
closure, move, cancellation or nothing), `titles` and places, a plan settled across quoted
`threads`, event `nouns`, the shared `context` of one message, compiled `rules` and the
per-language word tables in `lang`. Also
local OCR (`ocr`), image description and flyer events (`media`), and the `chatbook extract`
stage that turns what is found into proposals (`stage`). Imports `review` (to write
proposals), `store` and the base modules.
"""
