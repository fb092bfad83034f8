"""WhatsApp exports into the primary store.

Owns the streaming export parser (`whatsapp`, with WhatsApp's own strings in `markers`),
finding the exports in files, zips and folders (`sources`), the import in batches with its
report (`importer`), one identity for a message across re-exports (`identity`), merging a
chat known under two names (`merge`), fixing stored times in place (`redate`), a chat's time
zone (`zones`), and the media files that exports carry (`attachments`: zip safety,
content-addressed copies). Imports `store` and the base modules.
"""
