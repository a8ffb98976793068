/** What an uploaded spreadsheet may be (issue: hostile files get a clear 400 and change nothing). */
export const SPREADSHEET_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxDataRows: 10_000,
  /** A zip (xlsx) may expand to at most this many bytes, in at most this many entries. */
  maxUnzippedBytes: 50 * 1024 * 1024,
  maxZipEntries: 1_000,
  /** Columns read per row: beyond this, nothing a template needs. */
  maxColumns: 50,
} as const;
