import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { MOBILE_SHAPE, PICKUP_CODE_LENGTH } from '../../shared/constants.js';
import { containsText, escapeLike, likePattern } from './dialect.js';

/** A trigram: the shortest text the substring indexes can look up. */
const GRAM = 3;
const PICKUP_CODE = new RegExp(`^\\d{${PICKUP_CODE_LENGTH}}$`);

/**
 * The parcels that match the search box: `q` inside the recipient phone, the tracking number or
 * the recipient name (case-insensitive), or, for six digits, the pickup code of a parcel awaiting
 * pickup. Both databases answer from an index (migration 2026112903_search): FTS5 trigram on
 * SQLite, pg_trgm on PostgreSQL. Text shorter than a trigram (one or two characters) can only be
 * the beginning or the end of a name: names are indexed with two spaces either side for that.
 * A whole mobile number is a phone: it is matched exactly, from the phone's own index (every
 * phone holds 11 digits, so that is the same as a substring of the phone, and the digit trigrams
 * it would read are the most common of all).
 */
export function parcelSearch(pg: boolean, q: string): RawBuilder<SqlBool> {
  if (MOBILE_SHAPE.test(q)) return sql<SqlBool>`parcels.recipient_phone = ${q}`;
  const code = PICKUP_CODE.test(q) ? q : null;
  const pad = ' '.repeat(Math.max(0, GRAM - [...q].length));
  if (pg) {
    // The expression of the GIN index, word for word; '|' keeps the fields' padding apart.
    const doc = sql`(parcels.recipient_phone || '|' || parcels.tracking_no || '|  ' || parcels.recipient_name || '  ')`;
    const text = pad
      ? sql`(${doc} ILIKE ${`%${pad}${escapeLike(q)}%`} ESCAPE '\\' OR ${doc} ILIKE ${`%${escapeLike(q)}${pad}%`} ESCAPE '\\')`
      : sql`${doc} ILIKE ${likePattern(q)} ESCAPE '\\'`;
    return code ? sql<SqlBool>`(${text} OR (parcels.pickup_code = ${code} AND parcels.status = 'awaiting_pickup'))` : sql<SqlBool>`${text}`;
  }
  const phrase = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const chars = [...q];
  // Up to six characters, the phrase of its overlapping trigrams (at most four lists to read,
  // and exact). Longer text: only the trigrams that cover it, each character once (three or
  // more lists that seldom hold the same parcel by chance), and the columns confirm the match.
  const long = chars.length > 2 * GRAM;
  const match = pad ? `name : ${phrase(pad + q)} OR name : ${phrase(q + pad)}` : long ? coveringTrigrams(chars).map(phrase).join(' AND ') : phrase(q);
  const hits = long
    ? sql`SELECT found.id FROM parcel_search JOIN parcels AS found ON found.id = parcel_search.rowid
        WHERE parcel_search MATCH ${match}
          AND (${sql.join(
            ['recipient_phone', 'tracking_no', 'recipient_name'].map((c) => containsText(false, sql.ref(`found.${c}`), q)),
            sql` OR `,
          )})`
    : sql`SELECT rowid FROM parcel_search WHERE parcel_search MATCH ${match}`;
  const coded = code ? sql` UNION ALL SELECT coded.id FROM parcels AS coded WHERE coded.pickup_code = ${code} AND coded.status = 'awaiting_pickup'` : sql``;
  return sql<SqlBool>`parcels.id IN (${hits}${coded})`;
}

/** Trigrams from the start every three characters, and the last three: together they cover the text. */
function coveringTrigrams(chars: string[]): string[] {
  const grams: string[] = [];
  for (let i = 0; i + GRAM <= chars.length; i += GRAM) grams.push(chars.slice(i, i + GRAM).join(''));
  if (chars.length % GRAM !== 0) grams.push(chars.slice(-GRAM).join(''));
  return grams;
}
