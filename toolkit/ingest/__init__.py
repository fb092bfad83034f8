"""WhatsApp exports into the primary store.

Owns the streaming export parser (`whatsapp`), the import of files, zips and folders with its
report (`importer`), and the media files that exports carry (`attachments`: zip safety,
content-addressed copies). Imports `store` and the base modules.
"""
