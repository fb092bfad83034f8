-- What image processing learns about an attachment (thumbnail, EXIF taken-at and GPS as
-- queryable columns; the rest of the EXIF stays in attachments.exif), and the link from an
-- extraction that reused the OCR of the same flyer seen earlier to that earlier extraction.

ALTER TABLE attachments
    ADD COLUMN thumb_path TEXT,              -- relative to ATTACHMENTS_DIR, e.g. thumbs/<sha256>.jpg
    ADD COLUMN taken_at   TIMESTAMPTZ,       -- EXIF DateTimeOriginal (zone: EXIF offset, else the chat's)
    ADD COLUMN gps_lat    DOUBLE PRECISION,
    ADD COLUMN gps_lon    DOUBLE PRECISION;

ALTER TABLE extractions
    ADD COLUMN duplicate_of BIGINT REFERENCES extractions(id) ON DELETE SET NULL;
CREATE INDEX extractions_duplicate_of ON extractions(duplicate_of) WHERE duplicate_of IS NOT NULL;
