/** What an uploaded spreadsheet may be (issue: hostile files get a clear 400 and change nothing). */
export const SPREADSHEET_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxDataRows: 10_000,
  /** A zip (xlsx) may expand to at most this many bytes, in at most this many entries. */
  maxUnzippedBytes: 50 * 1024 * 1024,
  maxZipEntries: 1_000,
  /** Columns read per row: beyond this, nothing a template needs. */
  maxColumns: 50,
  /** Fields in one csv record: Excel's widest row. */
  maxCsvFields: 16_384,
  /** Bytes of an xlsx XML part without a tag: Excel's longest cell (32,767 characters) fits. */
  maxXmlTextBytes: 256 * 1024,
  /**
   * Entries of an xlsx shared-string table: as many as the cells read (10,003 rows × 50 columns).
   * The table holds each distinct text once, so no real file of at most 5 MB comes near it.
   */
  maxSharedStrings: 10_003 * 50,
} as const;
