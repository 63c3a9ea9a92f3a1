// Each done batch item records its output's size next to its sha256, so a resumed batch can tell
// an output that was truncated or changed after it was written and redo it.
export const sql = `
ALTER TABLE batch_items ADD COLUMN output_size INTEGER CHECK (output_size IS NULL OR output_size >= 0);
CREATE INDEX batch_items_output ON batch_items (output_path, status);
`;
