-- What the analysis tells the clerk about a page: why it was turned (null: left as it came, or turned by the
-- clerk) and the scan-quality problems worth a rescan (a JSON array of error codes, e.g. ["PAGE_TOO_DARK"]).
ALTER TABLE page ADD COLUMN rotation_reason TEXT CHECK (rotation_reason IN ('text_sideways', 'text_upside_down'));
ALTER TABLE page ADD COLUMN quality_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(quality_json));
