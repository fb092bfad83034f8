"""Events found in messages and images.

Owns the rule-based text resolver (`text`, with date/time `mentions`, compiled `rules` and the
per-language word tables in `lang`), local OCR (`ocr`), image description and flyer events
(`media`), and the `chatbook extract` stage that turns what is found into proposals (`stage`).
Imports `review` (to write proposals), `store` and the base modules.
"""
