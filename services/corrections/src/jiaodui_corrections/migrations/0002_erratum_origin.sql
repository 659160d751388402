-- Errata opened by a photo dispute take the student's own form in (once) instead of a 409.
ALTER TABLE errata ADD COLUMN origin text NOT NULL DEFAULT 'form'
    CHECK (origin IN ('form', 'photo_dispute'));
