// Property-based tests (fast-check) over every body and query schema of /openapi.json: whatever a
// client sends, no answer is a 5xx, every error is { error, message }, input the schema refuses is a
// 400 with `issues`, no input reaches a response header, and the server stays healthy. Text with
// SQL, HTML and unusual Unicode is stored and given back byte for byte; CR/LF in single-line fields
// is refused; the logs stay one JSON object a line whatever the input.
//
// Runs are reproducible: a fixed seed unless FUZZ_SEED is set; FUZZ_RUNS sets the runs per route
// (25 by default). A failure names the route, the request, the answer and fast-check's counterexample
// (with the seed and path to replay it).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import type { App } from '../src/server/http.js';
import { canonicalCarrier, CARRIERS } from '../src/shared/carriers.js';
import { TRACKING_NO_PATTERN } from '../src/shared/constants.js';
import { normalizeMobile } from '../src/shared/phone.js';
import type { Community, Courier, CreateOrgResult, Page, Parcel, ParcelDetail, Resident } from './support/api.js';
import { openApiOperations, type JsonSchema, type Operation } from './support/openapi.js';
import { capturedLogs, OPERATOR_TOKEN, testConfig, useTestApp } from './support/app.js';
import { createClerk, createWorld, enterParcel, expectStatus, randomMobile, residentLogin, uniq } from './support/factories.js';

const t = useTestApp();

const SEED = Number.isSafeInteger(Number(process.env.FUZZ_SEED || 'x')) ? Number(process.env.FUZZ_SEED) : 20260108;
const RUNS = Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS) || 25));
/** Every request a property sent (SECURITY.md quotes the number), and its answers by status class. */
let inputsTried = 0;
const answered: Record<string, number> = {};

afterAll(() => {
  const classes = Object.entries(answered)
    .sort()
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  process.stdout.write(`[fuzz] inputs tried: ${inputsTried}\n`);
  process.stdout.write(`[fuzz] seed ${SEED}, ${RUNS} runs per route (FUZZ_SEED, FUZZ_RUNS); answers: ${classes}\n`);
});

// ---------------------------------------------------------------------------------------------
// Hostile text
// ---------------------------------------------------------------------------------------------

const SQL = [
  "' OR 1=1 --",
  "'; DROP TABLE parcels; --",
  '%',
  '_',
  '\\',
  '%_%',
  "admin'--",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  "') UNION SELECT * FROM staff --",
  '\\%\\_',
];
const HTML = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '&lt;b&gt;&amp;',
  "javascript:alert('x')",
  '{{7*7}}',
  '${7*7}',
];
const UNICODE = ['😀📦', 'مرحبا بالعالم', '１２３４５', '𠮷野家', 'e\u0301\u0301', 'a\u2028b\u2029c', 'Ω≈ç√∫', 'ﷺ', 'a\uFFFDb', '\u05D0\u05D1 abc'];
/** Invisible and direction-changing characters, with which a name is made to look like another: refused in free text. */
const SPOOF = ['a\u202Eevil\u202Cb', 'a\u200Bb\u200Dc', '\u200E', '\u200F', '\u202A', '\u2060', '\u2064', '\u2066x\u2069', '\uFEFF'];
const CRLF = ['a\r\nb', '\r\nSet-Cookie: x=1', 'a\nX-Injected: 1', 'x\ry', 'a\n{"level":60,"msg":"INJECTED"}\nb'];
const NUL = ['a\u0000b', '\u0000'];
/** Strings a free-text field takes as they are: no control characters, nothing to trim. */
const INERT = [...SQL, ...HTML, ...UNICODE];
const HOSTILE = [...INERT, ...SPOOF, ...CRLF, ...NUL];
const CONTROL = /[\u0000-\u001f\u007f]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

const HUGE = 'x'.repeat(5000);
const JUNK: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.5,
  1e308,
  -1e308,
  9007199254740993,
  2 ** 31,
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  '0x10',
  '',
  ' ',
  '\t',
  HUGE,
  '😀'.repeat(300),
  '０１２',
  [],
  [1, 'a', null],
  {},
  { a: { b: [] } },
  [[[[[]]]]],
];
/** Bodies that are not a JSON object, or not JSON at all. */
const JUNK_BODIES = [
  'null',
  '[]',
  '"text"',
  '123',
  'true',
  '[{}]',
  '{',
  '{"a":1',
  '{"a":1}x',
  '',
  ' ',
  '\u0000',
  '['.repeat(3000) + ']'.repeat(3000),
  '1'.repeat(400),
  '{"a":"\\ud800"}',
];
/** Query values sent as they are, not encoded: bad percent-escapes, separators. */
const RAW_QUERY = [
  '%',
  '%%',
  '%E4%B8',
  '%ZZ',
  '%C0%AF',
  '%ED%A0%80',
  '%F0%9F%98',
  '+',
  '%2B',
  '&',
  '==',
  '%0D%0ASet-Cookie:%20x=1',
  '%0d%0aX-Injected:%201',
  '%FF',
  '[]',
  'a=b=c',
  '%00',
];
/** Unknown body keys (the schemas are strict). */
const EXTRA_KEYS = ['zz', 'orgId', 'id', 'status', 'role', 'isAdmin', '', ' ', '😀', 'a.b', '$where', 'name\u0000'];
/** Unknown query keys (the query parser keeps even `__proto__` as a key of its own, and the schemas are strict). */
const EXTRA_QUERY_KEYS = ['zz', 'orgId', 'q%5B%5D', 'page[0]', 'a.b', '%F0%9F%98%80', '%00', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const CARRIER_NAMES = CARRIERS.flatMap((c) => [c.name, ...c.aliases]);

// ---------------------------------------------------------------------------------------------
// The JSON schemas of /openapi.json, an oracle that knows when a value is surely invalid, and
// arbitraries built from them
// ---------------------------------------------------------------------------------------------

type Where = 'body' | 'query';
interface Field {
  name: string;
  schema: JsonSchema;
  where: Where;
}

/** Ids of records for id fields: all of the world's, and the ones a field name should mostly get. */
interface Ids {
  all: number[];
  prefer: Record<string, number[]>;
}

/** A field left out of a body or query. */
const ABSENT = Symbol('absent');
/** A query value put in the URL as it is. */
interface RawValue {
  raw: string;
}

/** Single-line text fields (`Text(max)`): trimmed, not blank, no control characters. */
const TEXT_FIELDS = new Set(['name', 'collectionPointName', 'building', 'unit', 'room', 'reason', 'recipientName']);

type Semantic = 'id' | 'phone' | 'carrier' | 'trackingNo' | 'text' | null;

/** `Id`: a JSON number or the decimal digits of a string. */
function isIdSchema(s: JsonSchema | undefined): boolean {
  return !!s?.anyOf?.some((b) => b.type === 'number') && !!s.anyOf.some((b) => b.type === 'string' && b.pattern === '^\\d{1,20}$');
}

/** What a field means beyond its JSON schema (a transform or refinement the document cannot show). */
function semanticOf(f: Field): Semantic {
  if (isIdSchema(f.schema)) return 'id';
  if (f.schema.type !== 'string' || f.schema.enum) return null;
  if (f.name === 'phone' || f.name === 'recipientPhone' || (f.name === 'to' && f.schema.maxLength === 32)) return 'phone';
  if (f.name === 'carrier') return 'carrier';
  if (f.name === 'trackingNo') return 'trackingNo';
  if (f.where === 'body' && TEXT_FIELDS.has(f.name)) return 'text';
  return null;
}

function hasNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (v === null || typeof v !== 'object' || depth > 32) return false;
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x, depth + 1));
}

function idInvalid(v: unknown, where: Where): string | null {
  if (typeof v === 'number' && where === 'body') return Number.isSafeInteger(v) && v >= 1 ? null : 'id is not a positive integer';
  if (typeof v === 'string') {
    return /^\d{1,20}$/.test(v) && Number(v) >= 1 && Number(v) <= Number.MAX_SAFE_INTEGER ? null : 'id is not positive decimal digits';
  }
  return 'id of the wrong type';
}

/**
 * Why a value is surely refused by the route's schema, or null when it may be valid. Conservative:
 * it mirrors the JSON schema (and the few transforms named by `semanticOf`), never guesses.
 */
function whyInvalid(f: Field, v: unknown): string | null {
  const { schema: s, where } = f;
  if (v === ABSENT) return null;
  if (hasNul(v)) return 'holds U+0000';
  if (where === 'query' && Array.isArray(v)) return 'repeated query parameter';
  const sem = semanticOf(f);
  if (sem === 'id') return idInvalid(v, where);
  if (s.anyOf) {
    const reasons = s.anyOf.map((b) => whyInvalid({ ...f, schema: b }, v));
    return reasons.every((r) => r !== null) ? (reasons[0] ?? 'no branch') : null;
  }
  if (s.enum) return typeof v === 'string' && s.enum.includes(v) ? null : 'not one of the enum';
  switch (s.type) {
    case 'boolean':
      return typeof v === 'boolean' ? null : 'not a boolean';
    case 'integer':
    case 'number': {
      let n: number;
      if (where === 'query')
        n = Number(v); // z.coerce.number
      else if (typeof v === 'number') n = v;
      else return 'not a number';
      if (s.type === 'integer' ? !Number.isSafeInteger(n) : !Number.isFinite(n)) return 'not an integer';
      if (s.minimum !== undefined && n < s.minimum) return 'below the minimum';
      if (s.maximum !== undefined && n > s.maximum) return 'above the maximum';
      return null;
    }
    case 'string': {
      if (typeof v !== 'string') return 'not a string';
      // zod counts code points (as JSON Schema does), not UTF-16 units; some fields trim first.
      if (s.maxLength !== undefined && [...v.trim()].length > s.maxLength) return 'too long';
      if (s.minLength !== undefined && [...v].length < s.minLength) return 'too short';
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        if (!re.test(v) && !re.test(v.trim())) return 'does not match the pattern';
      }
      if (sem === 'phone' && normalizeMobile(v) === null) return 'not a mobile number';
      if (sem === 'carrier' && canonicalCarrier(v) === null) return 'unknown carrier';
      if (sem === 'trackingNo' && !TRACKING_NO_PATTERN.test(v.trim().toUpperCase())) return 'not a tracking number';
      if (sem === 'text') {
        const text = v.trim();
        if (text.length === 0) return 'blank';
        if (CONTROL.test(text)) return 'control character';
        if (INVISIBLE.test(text)) return 'invisible or direction-changing character';
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(v)) return 'not an array';
      if (s.minItems !== undefined && v.length < s.minItems) return 'too few items';
      if (s.maxItems !== undefined && v.length > s.maxItems) return 'too many items';
      for (const item of v) {
        const r = s.items ? whyInvalid({ name: `${f.name}[]`, schema: s.items, where }, item) : null;
        if (r) return `an item: ${r}`;
      }
      return null;
    }
    case 'object':
      return objectInvalid(s, v, where);
  }
  return null;
}

function objectInvalid(s: JsonSchema, v: unknown, where: Where): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not an object';
  const props = s.properties ?? {};
  const obj = v as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!Object.hasOwn(props, k) && s.additionalProperties === false) return `unknown key ${JSON.stringify(k)}`;
  for (const r of s.required ?? []) if (!Object.hasOwn(obj, r)) return `missing ${r}`;
  for (const [k, ps] of Object.entries(props)) {
    if (!Object.hasOwn(obj, k)) continue;
    const r = whyInvalid({ name: k, schema: ps, where }, obj[k]);
    if (r) return `${k}: ${r}`;
  }
  return null;
}

const mobileArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('139', '138', '150', '158', '186', '188', '199', '177'), fc.stringMatching(/^\d{8}$/))
  .chain(([head, tail]) => {
    const n = head + tail;
    return fc.constantFrom(
      n,
      `+86 ${n}`,
      `0086${n}`,
      `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
      n.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      ` ${n} `,
    );
  });
const chineseArb = fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });
const dateArb = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true });

/** Free text within `min`..`max` characters: Chinese, any printable grapheme, ASCII, the inert pool. */
function textArb(min: number, max: number): fc.Arbitrary<string> {
  const graphemes = Math.max(1, Math.min(20, Math.floor(max / 3)));
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...INERT) },
      { weight: 3, arbitrary: chineseArb },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: graphemes }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(max, 40) }) },
    )
    .filter((s) => s.length >= min && s.trim().length <= max);
}

/** Mostly valid values for a field (the route may still refuse them for its own reasons). */
function validArb(f: Field, ids: Ids): fc.Arbitrary<unknown> {
  const s = f.schema;
  const sem = semanticOf(f);
  const q = (a: fc.Arbitrary<unknown>) => (f.where === 'query' ? a.map(toQueryValue) : a);
  if (sem === 'id') {
    const preferred = ids.prefer[f.name] ?? [];
    const id = fc.oneof(
      { weight: preferred.length ? 4 : 0, arbitrary: fc.constantFrom(...(preferred.length ? preferred : [1])) },
      { weight: 2, arbitrary: fc.constantFrom(...ids.all) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
      // Valid, but past a 32-bit column: the database must not be the one to refuse them.
      { weight: 1, arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER) },
    );
    return f.where === 'query' ? id.map(String) : fc.oneof(id, id.map(String));
  }
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((b) => validArb({ ...f, schema: b }, ids)));
  switch (s.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1_000_000;
      const max = s.maximum ?? 1_000_000;
      return q(fc.oneof(fc.constantFrom(min, Math.min(max, min + 1), max), fc.integer({ min, max })));
    }
    case 'string': {
      if (sem === 'phone') return mobileArb;
      if (sem === 'carrier') return fc.constantFrom(...CARRIER_NAMES, ' 顺丰 ', 'sf express', 'ＳＦ');
      if (sem === 'trackingNo') return fc.stringMatching(/^[A-Za-z0-9-]{3,40}$/);
      if (s.format === 'date') return dateArb.map((d) => d.toISOString().slice(0, 10));
      if (s.format === 'date-time') return dateArb.chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().replace('Z', '+08:00')));
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
      if ((s.maxLength ?? 100) >= 8 && (s.minLength ?? 0) >= 8) return fc.string({ unit: 'grapheme', minLength: s.minLength ?? 8, maxLength: 20 });
      return textArb(s.minLength ?? 0, s.maxLength ?? 100);
    }
    case 'array':
      return fc.array(s.items ? validArb({ ...f, schema: s.items }, ids) : fc.constant(1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 5, 5)),
      });
  }
  return fc.constant(null);
}

/** Values a field mostly refuses: wrong types, out of range, too long, off the pattern. */
function invalidArb(f: Field, ids: Ids): fc.Arbitrary<unknown> {
  const s = f.schema;
  const arbs: fc.Arbitrary<unknown>[] = [fc.constantFrom(...JUNK), fc.constantFrom(...CRLF, ...NUL)];
  const branches = s.anyOf ?? [s];
  for (const b of branches) {
    if (b.maxLength !== undefined) arbs.push(fc.integer({ min: b.maxLength + 1, max: b.maxLength + 40 }).map((n) => 'x'.repeat(n)));
    if (b.minLength) arbs.push(fc.constantFrom('', ' '.repeat(b.minLength)));
    if (b.type === 'integer' || b.type === 'number') {
      arbs.push(fc.constantFrom((b.minimum ?? 0) - 1, (b.maximum ?? 1e6) + 1, (b.minimum ?? 0) + 0.5, -1e21, 1e21));
      arbs.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
    }
    if (b.pattern) {
      const re = new RegExp(b.pattern);
      arbs.push(fc.string({ unit: 'grapheme', maxLength: 12 }).filter((x) => !re.test(x)));
    }
  }
  if (isIdSchema(s)) arbs.push(fc.constantFrom(0, -1, 1.5, '0', '-1', '1.5', '0x1', ' 1', '1e3', '99999999999999999999', true));
  if (s.enum?.length) {
    const first = String(s.enum[0]);
    arbs.push(fc.constantFrom('zz', first.toUpperCase(), `${first} `, `"${first}"`));
  }
  if (s.type === 'array') {
    const tooMany = (s.maxItems ?? 200) + 1;
    arbs.push(
      fc.constantFrom(
        [],
        Array.from({ length: tooMany }, (_, i) => ids.all[i % ids.all.length] ?? 1),
      ),
    );
    arbs.push(fc.array(fc.constantFrom(...JUNK), { minLength: 1, maxLength: 3 }));
  }
  const mix = fc.oneof(...arbs);
  return f.where === 'query' ? mix.map(toQueryValue) : mix;
}

/** Any of the hostile strings, alone or run together with random graphemes. */
const hostileArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom(...HOSTILE)).map(([a, b, c]) => a + b + c),
  },
);

function fieldMix(f: Field, ids: Ids): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: validArb(f, ids) }, { weight: 2, arbitrary: invalidArb(f, ids) }, { weight: 2, arbitrary: hostileArb });
}

/** A query string is text: other JSON values as their JSON. */
function toQueryValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function withoutAbsent(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ABSENT));
}

interface BodyCase {
  payload: string;
  /** Why the body is surely refused, or null. */
  invalid: string | null;
  /** Refused by the JSON parser (400 bad_request) rather than by the schema. */
  parserError: boolean;
}

function bodyArb(s: JsonSchema, ids: Ids): fc.Arbitrary<BodyCase> {
  const required = new Set(s.required ?? []);
  const fields: Field[] = Object.entries(s.properties ?? {}).map(([name, schema]) => ({ name, schema, where: 'body' }));
  const record = (f: (field: Field) => fc.Arbitrary<unknown>) =>
    fc.record(Object.fromEntries(fields.map((field) => [field.name, f(field)]))) as fc.Arbitrary<Record<string, unknown>>;
  const valid = record((f) => (required.has(f.name) ? validArb(f, ids) : fc.option(validArb(f, ids), { nil: ABSENT, freq: 2 })));
  const asCase = (r: Record<string, unknown>): BodyCase => {
    const obj = withoutAbsent(r);
    return { payload: JSON.stringify(obj), invalid: objectInvalid(s, obj, 'body'), parserError: false };
  };
  const arbs: fc.WeightedArbitrary<BodyCase>[] = [
    { weight: 4, arbitrary: valid.map(asCase) },
    // All fields but one valid.
    ...(fields.length
      ? [
          {
            weight: 4,
            arbitrary: fc.integer({ min: 0, max: fields.length - 1 }).chain((i) => {
              const f = fields[i] as Field;
              return fc
                .tuple(valid, fc.oneof({ weight: 5, arbitrary: fieldMix(f, ids) }, { weight: 1, arbitrary: fc.constant(ABSENT) }))
                .map(([r, v]) => asCase({ ...r, [f.name]: v }));
            }),
          },
        ]
      : []),
    // Every field anything.
    { weight: 2, arbitrary: record((f) => fc.oneof({ weight: 4, arbitrary: fieldMix(f, ids) }, { weight: 1, arbitrary: fc.constant(ABSENT) })).map(asCase) },
    // A key the schema does not know.
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...EXTRA_KEYS), fc.constantFrom(...JUNK)).map(([r, k, v]) => asCase({ ...r, [k]: v })) },
    // Prototype pollution: refused by the JSON parser.
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom('"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"isAdmin":true}}', '"__proto__":null'))
        .map(([r, extra]) => {
          const json = JSON.stringify(withoutAbsent(r));
          return { payload: `{${extra}${json === '{}' ? '' : ','}${json.slice(1)}`, invalid: 'prototype key', parserError: true };
        }),
    },
    // Not an object, or not JSON.
    { weight: 1, arbitrary: fc.constantFrom(...JUNK_BODIES).map((payload) => ({ payload, invalid: 'not a JSON object', parserError: true })) },
  ];
  return fc.oneof(...arbs);
}

interface Param {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

interface QueryCase {
  qs: string;
  invalid: string | null;
}

function queryArb(params: Param[], ids: Ids): fc.Arbitrary<QueryCase> {
  const fieldOf = (p: Param): Field => ({ name: p.name, schema: p.schema, where: 'query' });
  const valid = (p: Param) => validArb(fieldOf(p), ids) as fc.Arbitrary<string>;
  const validOrAbsent = (p: Param): fc.Arbitrary<unknown> => (p.required ? valid(p) : fc.option(valid(p), { nil: ABSENT, freq: 2 }));
  const anything = (p: Param): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: p.required ? 1 : 5, arbitrary: fc.constant<unknown>(ABSENT) },
      { weight: 6, arbitrary: valid(p) },
      { weight: 2, arbitrary: invalidArb(fieldOf(p), ids) },
      { weight: 2, arbitrary: hostileArb },
      { weight: 1, arbitrary: fc.tuple(valid(p), valid(p)) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERY).map((raw): RawValue => ({ raw })) },
    );
  const baseline = fc.tuple(...params.map(validOrAbsent));
  const perParam = fc.oneof(
    { weight: 3, arbitrary: baseline },
    // All parameters but one valid (or left out).
    {
      weight: 4,
      arbitrary: fc
        .integer({ min: 0, max: params.length - 1 })
        .chain((i) => fc.tuple(baseline, anything(params[i] as Param)).map(([b, v]) => b.map((x, j) => (j === i ? v : x)))),
    },
    // Every parameter anything.
    { weight: 2, arbitrary: fc.tuple(...params.map(anything)) },
  );
  const extra = fc.option(fc.tuple(fc.constantFrom(...EXTRA_QUERY_KEYS), fc.string({ maxLength: 5 })), { freq: 6, nil: null });
  return fc.tuple(perParam, extra).map(([values, more]) => {
    const parts: string[] = [];
    let invalid: string | null = null;
    params.forEach((p, i) => {
      const v = values[i];
      const f: Field = { name: p.name, schema: p.schema, where: 'query' };
      if (v === ABSENT) {
        if (p.required) invalid ??= `missing ${p.name}`;
      } else if (Array.isArray(v)) {
        for (const x of v) parts.push(`${p.name}=${enc(String(x))}`);
        invalid ??= `${p.name}: ${whyInvalid(f, v)}`;
      } else if (typeof v === 'object' && v !== null && 'raw' in v) {
        parts.push(`${p.name}=${(v as RawValue).raw}`); // what the server makes of it is not known here
      } else {
        parts.push(`${p.name}=${enc(String(v))}`);
        const why = whyInvalid(f, v);
        if (why) invalid ??= `${p.name}: ${why}`;
      }
    });
    if (more) {
      const [key, value] = more;
      parts.push(`${key}=${enc(value)}`);
      invalid ??= `unknown query key ${key}`;
    }
    return { qs: parts.join('&'), invalid };
  });
}

// ---------------------------------------------------------------------------------------------
// Requests and what every answer must be
// ---------------------------------------------------------------------------------------------

interface Actor {
  cookie?: string;
  authorization?: string;
  /** A fresh client address for each request (sign-in limits count per address). */
  freshIp?: boolean;
}

let ipSeq = 0;
function nextIp(): string {
  ipSeq++;
  return `10.${77 + ((ipSeq >> 16) & 127)}.${(ipSeq >> 8) & 255}.${ipSeq & 255 || 1}`;
}

interface Sent {
  method: string;
  url: string;
  payload?: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  text: string;
  body: unknown;
  headers: Record<string, string | string[] | number | undefined>;
}

/** Sends a request; `counted` unless it only reads back what an input did. */
async function send(app: App, actor: Actor, req: Sent, counted = true): Promise<Answer> {
  if (counted) inputsTried++;
  const res = await app.inject({
    method: req.method as 'GET',
    url: req.url,
    remoteAddress: actor.freshIp ? nextIp() : '127.0.0.1',
    headers: {
      ...(actor.cookie ? { cookie: `sid=${actor.cookie}` } : {}),
      ...(actor.authorization ? { authorization: actor.authorization } : {}),
      ...(req.payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...req.headers,
    },
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  });
  const statusClass = `${String(res.statusCode).slice(0, 1)}xx`;
  if (counted) answered[statusClass] = (answered[statusClass] ?? 0) + 1;
  let body: unknown;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, text: res.body, body, headers: res.headers };
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  issues?: unknown;
}

/** Everything wrong with an answer, as one message, or null. */
function problemsOf(route: string, req: Sent, res: Answer, expectInvalid: { why: string; parserError: boolean } | null): string | null {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 400) {
    const b = res.body as ErrorBody | undefined;
    if (!type.includes('application/json')) problems.push(`error answer of type ${type}`);
    if (typeof b?.error !== 'string' || typeof b.message !== 'string' || b.message.length === 0) problems.push('error answer without { error, message }');
  } else if (type.includes('application/json') && res.body === undefined && res.text !== '') {
    problems.push('JSON answer that does not parse');
  }
  const b = res.body as ErrorBody | undefined;
  if (b?.error === 'validation_error') {
    if (res.status !== 400) problems.push(`validation_error with status ${res.status}`);
    const issues = b.issues;
    if (!Array.isArray(issues) || issues.length === 0) problems.push('validation_error without issues');
    else
      for (const i of issues as Record<string, unknown>[]) {
        if (typeof i?.path !== 'string' || typeof i.code !== 'string' || typeof i.message !== 'string') problems.push(`malformed issue ${JSON.stringify(i)}`);
      }
  }
  if (expectInvalid) {
    const allowed = expectInvalid.parserError ? ['validation_error', 'bad_request'] : ['validation_error'];
    if (res.status !== 400 || !allowed.includes(String(b?.error)))
      problems.push(`invalid input (${expectInvalid.why}) not refused with 400 ${allowed.join('/')}`);
  }
  // Nothing of the input reaches a header: no header of its own, no line break, no cookie but the session's.
  for (const [name, value] of Object.entries(res.headers)) {
    if (/injected/i.test(name)) problems.push(`header ${name}`);
    for (const v of Array.isArray(value) ? value : [value]) if (/[\r\n]/.test(String(v))) problems.push(`line break in header ${name}`);
  }
  const cookies = res.headers['set-cookie'];
  for (const c of Array.isArray(cookies) ? cookies : cookies === undefined ? [] : [String(cookies)]) {
    const name = c.split('=')[0] ?? '';
    const allowed = route.includes('/api/wechat/') ? ['sid', 'wx_state'] : ['sid'];
    if (!allowed.includes(name)) problems.push(`Set-Cookie ${name}`);
  }
  if (problems.length === 0) return null;
  return [
    `${route}: ${problems.join('; ')}`,
    `  request: ${req.method} ${req.url.slice(0, 600)}`,
    ...(req.headers ? [`  headers: ${JSON.stringify(req.headers).slice(0, 300)}`] : []),
    ...(req.payload !== undefined ? [`  payload: ${JSON.stringify(req.payload.slice(0, 600))}`] : []),
    `  answer: ${res.status} ${res.text.slice(0, 600)}`,
  ].join('\n');
}

async function expectHealthy(app: App): Promise<void> {
  const r = await app.inject({ method: 'GET', url: '/healthz' });
  expect(r.statusCode, r.body).toBe(200);
  expect(JSON.parse(r.body)).toEqual({ ok: true });
}

/** Runs a property with the run's seed; a failure comes back as a message naming the route. */
async function check<T>(label: string, seedOffset: number, numRuns: number, arb: fc.Arbitrary<T>, predicate: (v: T) => Promise<void>): Promise<string | null> {
  try {
    await fc.assert(fc.asyncProperty(arb, predicate), { seed: (SEED + seedOffset * 7919) | 0, numRuns, includeErrorInReport: true });
    return null;
  } catch (err) {
    return `[${label}] ${(err instanceof Error ? err.message : String(err)).slice(0, 6000)}`;
  }
}

function hashOf(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return Math.abs(h) % 100_000;
}

// ---------------------------------------------------------------------------------------------
// The fuzz
// ---------------------------------------------------------------------------------------------

/** A world with every kind of actor, and records of its own for the path ids. */
async function fuzzWorld(app: App) {
  const w = await createWorld(app);
  const other = await createWorld(app); // another org: its ids are in the pool, never reachable
  const clerk = await createClerk(app, w.admin, [w.community.id]);
  const resident = await residentLogin(app, w.residentPhone);
  const apiKey = expectStatus(
    await w.admin.post<{ key: string }>('/api/integrations/keys', { name: 'fuzz', scopes: ['pre_advice:write', 'parcels:read', 'preferences:read'] }),
    201,
  ).key;
  const spareCourier = expectStatus(
    await w.admin.post<Courier>('/api/couriers', { communityId: w.community.id, name: uniq('备用'), phone: randomMobile(), carrier: '中通' }),
    201,
  );
  const spareResident = expectStatus(
    await w.admin.post<Resident>('/api/residents', {
      communityId: w.community.id,
      name: uniq('备用'),
      phone: randomMobile(),
      building: '2',
      unit: '1',
      room: '301',
    }),
    201,
  );
  const freshParcel = async (awaiting: boolean): Promise<number> => {
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    if (awaiting) expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    return p.id;
  };
  const parcels = [await freshParcel(false), await freshParcel(false), await freshParcel(true), await freshParcel(true)];
  // The parcel a transition route works on: the same one until a call moves it on.
  const current: { pending?: number; awaiting?: number } = {};
  const parcelFor = async (awaiting: boolean): Promise<number> =>
    awaiting ? (current.awaiting ??= await freshParcel(true)) : (current.pending ??= await freshParcel(false));
  const parcelMoved = (awaiting: boolean): void => {
    if (awaiting) delete current.awaiting;
    else delete current.pending;
  };
  const foreign = expectStatus(await enterParcel(other.courier, { communityId: other.community.id, recipientPhone: other.residentPhone }), 201);
  const ids = [
    w.community.id,
    clerk.staff.id,
    w.adminId,
    w.courierRecord.id,
    spareCourier.id,
    w.resident.id,
    spareResident.id,
    ...parcels,
    other.community.id,
    other.courierRecord.id,
    other.resident.id,
    foreign.id,
  ];
  const prefer = { communityId: [w.community.id], communityIds: [w.community.id], courierId: [w.courierRecord.id, spareCourier.id], ids: parcels };
  return {
    w,
    other,
    clerk,
    resident,
    apiKey,
    spareCourier,
    spareResident,
    freshParcel,
    parcelFor,
    parcelMoved,
    ids: { all: [...new Set(ids)], prefer } satisfies Ids,
  };
}

type FuzzWorld = Awaited<ReturnType<typeof fuzzWorld>>;

/** The session a route is for. */
function actorFor(world: FuzzWorld, path: string): Actor {
  if (path.startsWith('/api/operator/')) return { authorization: `Bearer ${OPERATOR_TOKEN}` };
  if (path.startsWith('/api/open/')) return { authorization: `Bearer ${world.apiKey}` };
  if (path === '/api/auth/password') return { cookie: world.w.admin.cookie };
  if (path.startsWith('/api/auth/') || path.startsWith('/api/dev/')) return { freshIp: true };
  if (path.startsWith('/api/courier/')) return { cookie: world.w.courier.cookie };
  if (path.startsWith('/api/resident/') || path.startsWith('/api/wechat/')) return { cookie: world.resident.cookie };
  return { cookie: world.w.admin.cookie };
}

/** The id in a route's path: a record of the actor's own that the fuzz may change. */
async function pathIdFor(world: FuzzWorld, path: string): Promise<number> {
  if (path === '/api/parcels/{id}/receive' || path === '/api/parcels/{id}/reject') return world.parcelFor(false);
  if (path === '/api/parcels/{id}/pickup') return world.parcelFor(true);
  if (path.startsWith('/api/communities/')) return world.w.community.id;
  if (path.startsWith('/api/staff/')) return world.clerk.staff.id; // never the admin's own: the session under test
  if (path.startsWith('/api/couriers/')) return world.spareCourier.id; // not the signed-in courier's record
  if (path.startsWith('/api/residents/')) return world.spareResident.id; // not the signed-in resident's home
  return world.w.community.id;
}

/** Runs per route: the ones that hash a password or a sign-in code (argon2) get fewer. */
function runsFor(op: Operation): number {
  const slow = ['/api/operator/orgs', '/api/staff', '/api/staff/{id}', '/api/auth/staff/login', '/api/auth/otp', '/api/auth/password'].includes(op.path);
  return slow ? Math.max(1, Math.ceil(RUNS / 2)) : RUNS;
}

let keySeq = 0;
const FRESH_KEY = Symbol('fresh key');
/** Idempotency-Key values: mostly fresh, sometimes missing, reused or malformed. */
const idempotencyKeyArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string | symbol>(FRESH_KEY) },
  { weight: 1, arbitrary: fc.constant<string | symbol>(ABSENT) },
  { weight: 3, arbitrary: fc.constantFrom<string | symbol>('', ' ', 'a b', 'x'.repeat(201), 'clé', '\t', 'fuzz-reused-key', '"quoted"') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }) },
);

describe('every body and query schema of /openapi.json, fuzzed', () => {
  it('no 5xx, { error, message } on every error, 400 with issues for invalid input, no header injection, healthy after', { timeout: 240_000 }, async () => {
    const world = await fuzzWorld(t.app);
    const ops = await openApiOperations(t.app);
    const failures: string[] = [];
    const fuzzed: string[] = [];
    const skipped: string[] = [];

    for (const op of ops) {
      const route = `${op.method} ${op.path}`;
      const jsonBody = op.requestBody?.content?.['application/json']?.schema;
      const queryParams: Param[] = (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: !!p.required, schema: p.schema ?? {} }));
      const takesKey = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key');
      if (op.path.endsWith('/import') && queryParams.length === 0) {
        // The multipart imports have their own hostile-file tests (spreadsheets-hostile.test.ts); they take no query.
        skipped.push(`${route} (multipart upload)`);
        continue;
      }
      if (!jsonBody && queryParams.length === 0) continue; // no body, no query: nothing to fuzz here
      fuzzed.push(route);

      const arb = fc.record({
        body: jsonBody ? bodyArb(jsonBody, world.ids) : fc.constant(null),
        query: queryParams.length ? queryArb(queryParams, world.ids) : fc.constant(null),
        key: takesKey ? idempotencyKeyArb : fc.constant<string | symbol>(ABSENT),
      });
      const failure = await check(route, hashOf(route), runsFor(op), arb, async ({ body, query, key }) => {
        const path = op.path.includes('{id}') ? op.path.replace('{id}', String(await pathIdFor(world, op.path))) : op.path;
        const headers: Record<string, string> = {};
        let keyInvalid: string | null = null;
        if (key === FRESH_KEY) headers['idempotency-key'] = `fuzz-${process.pid}-${++keySeq}`;
        else if (typeof key === 'string') {
          headers['idempotency-key'] = key;
          if (!/^[\x21-\x7e]{1,200}$/.test(key)) keyInvalid = 'malformed Idempotency-Key';
        }
        const req: Sent = {
          method: op.method,
          url: query?.qs ? `${path}?${query.qs}` : path,
          ...(body ? { payload: body.payload } : {}),
          ...(takesKey ? { headers } : {}),
        };
        const why = body?.invalid ?? query?.invalid ?? keyInvalid;
        const res = await send(t.app, actorFor(world, op.path), req);
        if (op.path.startsWith('/api/parcels/{id}/') && res.status < 300) world.parcelMoved(op.path.endsWith('/pickup'));
        const problem = problemsOf(route, req, res, why ? { why, parserError: body?.invalid ? body.parserError : false } : null);
        if (problem) throw new Error(problem);
      });
      if (failure) failures.push(failure);
      // Put back what a route may have switched off, and make sure the server took no harm.
      if (route === 'PUT /api/app') expectStatus(await world.w.admin.put('/api/app', { enabled: true }), 200);
      await expectHealthy(t.app);
    }

    expect(failures, failures.join('\n\n')).toEqual([]);
    // Every body and query route of the API was fuzzed (the list grows with the API).
    expect(fuzzed.length, fuzzed.join('\n')).toBeGreaterThanOrEqual(35);
    for (const must of [
      'POST /api/courier/parcels',
      'GET /api/parcels',
      'POST /api/residents',
      'PATCH /api/staff/{id}',
      'POST /api/operator/orgs',
      'GET /api/wechat/callback',
    ]) {
      expect(fuzzed).toContain(must);
    }
    expect(skipped.sort()).toEqual(['POST /api/couriers/import (multipart upload)', 'POST /api/residents/import (multipart upload)']);
    // The sessions under test are still good.
    expectStatus(await world.w.admin.get('/api/me'), 200);
    expectStatus(await world.w.courier.get('/api/me'), 200);
    expectStatus(await world.resident.get('/api/me'), 200);
    expectStatus(await world.w.admin.get('/api/parcels'), 200);
  });

  it('path ids: anything in {id} answers 400 with issues when it is not an id, never 5xx', { timeout: 120_000 }, async () => {
    const world = await fuzzWorld(t.app);
    const ops = (await openApiOperations(t.app)).filter((op) => op.path.includes('{id}') && op.method !== 'DELETE');
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const idArb = fc.oneof(
      fc.constantFrom(...world.ids.all.map(String)),
      fc.stringMatching(/^\d{1,22}$/),
      fc.integer().map(String),
      fc.double().map(String),
      hostileArb,
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
    );
    const failures: string[] = [];
    for (const op of ops) {
      const route = `${op.method} ${op.path}`;
      const payload = !op.requestBody ? undefined : op.path.endsWith('/pickup') ? '{"feeFen":0}' : '{}';
      const failure = await check(`${route} (path)`, hashOf(route) + 1, Math.max(5, Math.ceil(RUNS / 3)), idArb, async (id) => {
        const encoded = enc(id).replace(/\./g, '%2E');
        const req: Sent = { method: op.method, url: op.path.replace('{id}', encoded), ...(payload !== undefined ? { payload } : {}) };
        const res = await send(t.app, actorFor(world, op.path), req);
        // The router gives up on a parameter over 100 characters (a 404, which is fine); `.` and `..`
        // are dot segments, which the URL parser resolves (`/api/parcels/.` is the list).
        const why = encoded.length > 100 || id === '.' || id === '..' ? null : hasNul(id) ? 'holds U+0000' : idInvalid(id, 'query');
        const problem = problemsOf(route, req, res, why ? { why, parserError: false } : null);
        if (problem) throw new Error(problem);
      });
      if (failure) failures.push(failure);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    await expectHealthy(t.app);
  });
});

// ---------------------------------------------------------------------------------------------
// Text comes back inert
// ---------------------------------------------------------------------------------------------

/** Hostile text a single-line field takes: no control characters, nothing to trim, within `max`. */
function inertArb(max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...INERT) },
      {
        weight: 2,
        arbitrary: fc.tuple(fc.constantFrom(...INERT), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom(...INERT)).map(([a, b, c]) => a + b + c),
      },
    )
    .filter((s) => s.length >= 1 && s.length <= max && s === s.trim() && !CONTROL.test(s) && !INVISIBLE.test(s));
}

function same(what: string, got: unknown, want: string): void {
  if (got !== want) throw new Error(`${what}: sent ${JSON.stringify(want)}, got back ${JSON.stringify(got)}`);
}

interface TextCase {
  label: string;
  max: number;
  /** Stores `v`, checks the answer and a later read; throws on a difference. */
  run(v: string): Promise<void>;
  /** Sends `v` (which holds a control character) and returns the answer; nothing may be stored. */
  refuse(v: string): Promise<{ res: Answer; req: Sent; field: string; unchanged(): Promise<void> }>;
}

async function textCases(app: App) {
  const w = await createWorld(app);
  const admin = { cookie: w.admin.cookie };
  const courier = { cookie: w.courier.cookie };
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
  const c = w.community.id;
  const json = <T>(r: Answer, status: number, what: string): T => {
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
    return r.body as T;
  };
  const post = (url: string, body: unknown, headers?: Record<string, string>): Sent => ({
    method: 'POST',
    url,
    payload: JSON.stringify(body),
    ...(headers ? { headers } : {}),
  });
  const patch = (url: string, body: unknown): Sent => ({ method: 'PATCH', url, payload: JSON.stringify(body) });
  /** A read (`search`: a search for the text under test, which counts as an input). */
  const get = async <T>(url: string, search = false): Promise<T> => json<T>(await send(app, admin, { method: 'GET', url }, search), 200, `GET ${url}`);
  const total = async (url: string): Promise<number> => (await get<Page<unknown>>(url)).total;
  const spareCourier = expectStatus(
    await w.admin.post<Courier>('/api/couriers', { communityId: c, name: '备用', phone: randomMobile(), carrier: '中通' }),
    201,
  );
  const spareResident = expectStatus(
    await w.admin.post<Resident>('/api/residents', { communityId: c, name: '备用', phone: randomMobile(), building: '9', unit: '9', room: '909' }),
    201,
  );
  const pending = async () => expectStatus(await enterParcel(w.courier, { communityId: c, recipientPhone: w.residentPhone }), 201);
  const residentBody = (field: string, v: string) => ({
    communityId: c,
    name: '住户',
    phone: randomMobile(),
    building: uniq('b'),
    unit: '1',
    room: uniq('r'),
    [field]: v,
  });
  const entry = (v: string) => ({ communityId: c, trackingNo: uniq('FZ').toUpperCase(), recipientPhone: randomMobile(), recipientName: v });
  const key = () => ({ 'idempotency-key': uniq('fz') });

  const cases: TextCase[] = [
    {
      label: 'community name',
      max: 50,
      run: async (v) => {
        const r = await send(app, admin, post('/api/communities', { name: v, feeRateFen: 100 }));
        if (r.status === 409) {
          // The name was taken by an earlier run: that one is stored as sent.
          same('409 community_exists', (r.body as ErrorBody).error, 'community_exists');
          const all = await get<Page<Community>>('/api/communities');
          if (!all.items.some((x) => x.name === v)) throw new Error(`community ${JSON.stringify(v)} refused as existing but not listed`);
          return;
        }
        const made = json<Community>(r, 201, 'POST /api/communities');
        same('POST /api/communities name', made.name, v);
        same('GET /api/communities/:id name', (await get<Community>(`/api/communities/${made.id}`)).name, v);
      },
      refuse: async (v) => {
        const before = (await get<Page<Community>>('/api/communities')).total;
        const req = post('/api/communities', { name: v });
        return {
          req,
          res: await send(app, admin, req),
          field: 'body/name',
          unchanged: async () => expect((await get<Page<Community>>('/api/communities')).total).toBe(before),
        };
      },
    },
    {
      label: 'collection point name',
      max: 50,
      run: async (v) => {
        const made = json<Community>(await send(app, admin, patch(`/api/communities/${c}`, { collectionPointName: v })), 200, 'PATCH /api/communities/:id');
        same('PATCH /api/communities/:id collectionPointName', made.collectionPointName, v);
        same('GET /api/communities/:id collectionPointName', (await get<Community>(`/api/communities/${c}`)).collectionPointName, v);
      },
      refuse: async (v) => {
        const before = await get<Community>(`/api/communities/${c}`);
        const req = patch(`/api/communities/${c}`, { collectionPointName: v });
        return {
          req,
          res: await send(app, admin, req),
          field: 'body/collectionPointName',
          unchanged: async () => expect(await get<Community>(`/api/communities/${c}`)).toEqual(before),
        };
      },
    },
    {
      label: 'courier name',
      max: 50,
      run: async (v) => {
        const made = json<Courier>(
          await send(app, admin, post('/api/couriers', { communityId: c, name: v, phone: randomMobile(), carrier: '百世' })),
          201,
          'POST /api/couriers',
        );
        same('POST /api/couriers name', made.name, v);
        same('GET /api/couriers/:id name', (await get<Courier>(`/api/couriers/${made.id}`)).name, v);
        const changed = json<Courier>(await send(app, admin, patch(`/api/couriers/${spareCourier.id}`, { name: v })), 200, 'PATCH /api/couriers/:id');
        same('PATCH /api/couriers/:id name', changed.name, v);
        same('GET /api/couriers/:id name after PATCH', (await get<Courier>(`/api/couriers/${spareCourier.id}`)).name, v);
      },
      refuse: async (v) => {
        const before = await total('/api/couriers');
        const spare = await get<Courier>(`/api/couriers/${spareCourier.id}`);
        const req = post('/api/couriers', { communityId: c, name: v, phone: randomMobile(), carrier: '百世' });
        const res = await send(app, admin, req);
        return {
          req,
          res,
          field: 'body/name',
          unchanged: async () => {
            expect(await total('/api/couriers')).toBe(before);
            // The same text in a change is refused too.
            const r = await send(app, admin, patch(`/api/couriers/${spareCourier.id}`, { name: v }));
            expect(r.status, r.text).toBe(400);
            expect(await get<Courier>(`/api/couriers/${spareCourier.id}`)).toEqual(spare);
          },
        };
      },
    },
    ...(['name', 'building', 'unit', 'room'] as const).map((field): TextCase => ({
      label: `resident ${field}`,
      max: field === 'name' ? 50 : 20,
      run: async (v) => {
        const made = json<Resident>(await send(app, admin, post('/api/residents', residentBody(field, v))), 201, 'POST /api/residents');
        same(`POST /api/residents ${field}`, made[field], v);
        same(`GET /api/residents/:id ${field}`, (await get<Resident>(`/api/residents/${made.id}`))[field], v);
        if (field === 'name') {
          // Searching for the text finds that resident: the text is matched literally.
          const found = await get<Page<Resident>>(`/api/residents?pageSize=200&q=${enc(v)}`, true);
          if (!found.items.some((x) => x.id === made.id)) throw new Error(`resident ${JSON.stringify(v)} not found by its own name`);
        }
        const changed = json<Resident>(await send(app, admin, patch(`/api/residents/${spareResident.id}`, { [field]: v })), 200, 'PATCH /api/residents/:id');
        same(`PATCH /api/residents/:id ${field}`, changed[field], v);
      },
      refuse: async (v) => {
        const before = await total('/api/residents');
        const req = post('/api/residents', residentBody(field, v));
        return { req, res: await send(app, admin, req), field: `body/${field}`, unchanged: async () => expect(await total('/api/residents')).toBe(before) };
      },
    })),
    {
      label: 'recipient name',
      max: 50,
      run: async (v) => {
        const made = json<Parcel>(await send(app, courier, post('/api/courier/parcels', entry(v), key())), 201, 'POST /api/courier/parcels');
        same('POST /api/courier/parcels recipientName', made.recipientName, v);
        same('GET /api/parcels/:id recipientName', (await get<ParcelDetail>(`/api/parcels/${made.id}`)).recipientName, v);
        // The search box finds it by that text (it is not read as a LIKE or MATCH pattern).
        const found = await get<Page<Parcel>>(`/api/parcels?pageSize=200&q=${enc(v)}`, true);
        if (!found.items.some((x) => x.id === made.id)) throw new Error(`parcel for ${JSON.stringify(v)} not found by the recipient's name`);
      },
      refuse: async (v) => {
        const before = await total('/api/parcels');
        const req = post('/api/courier/parcels', entry(v), key());
        return {
          req,
          res: await send(app, courier, req),
          field: 'body/recipientName',
          unchanged: async () => expect(await total('/api/parcels')).toBe(before),
        };
      },
    },
    {
      label: 'reject reason',
      max: 200,
      run: async (v) => {
        const p = await pending();
        const done = json<Parcel>(await send(app, admin, post(`/api/parcels/${p.id}/reject`, { reason: v })), 200, 'POST /api/parcels/:id/reject');
        same('POST /api/parcels/:id/reject rejectReason', done.rejectReason, v);
        same('GET /api/parcels/:id rejectReason', (await get<ParcelDetail>(`/api/parcels/${p.id}`)).rejectReason, v);
      },
      refuse: async (v) => {
        const p = await pending();
        const req = post(`/api/parcels/${p.id}/reject`, { reason: v });
        return {
          req,
          res: await send(app, admin, req),
          field: 'body/reason',
          unchanged: async () => {
            const now = await get<ParcelDetail>(`/api/parcels/${p.id}`);
            expect(now.status).toBe('pending_receipt');
            expect(now.rejectReason).toBeNull();
          },
        };
      },
    },
    {
      label: 'org name',
      max: 100,
      run: async (v) => {
        const made = json<CreateOrgResult>(
          await send(app, operator, post('/api/operator/orgs', { name: v, adminUsername: uniq('fz'), adminPassword: 'admin-pass-123' })),
          201,
          'POST /api/operator/orgs',
        );
        same('POST /api/operator/orgs org.name', made.org.name, v);
        const row = await t.database.db.selectFrom('orgs').select('name').where('id', '=', made.org.id).executeTakeFirstOrThrow();
        same('orgs.name as stored', row.name, v);
      },
      refuse: async (v) => {
        const count = async () =>
          Number(
            (
              await t.database.db
                .selectFrom('orgs')
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const before = await count();
        const req = post('/api/operator/orgs', { name: v, adminUsername: uniq('fz'), adminPassword: 'admin-pass-123' });
        return { req, res: await send(app, operator, req), field: 'body/name', unchanged: async () => expect(await count()).toBe(before) };
      },
    },
  ];
  return { w, cases, get };
}

describe('text is inert', () => {
  it('SQL, HTML and unusual Unicode in every free-text field come back byte for byte, in the answer and in a later read', { timeout: 120_000 }, async () => {
    const { w, cases, get } = await textCases(t.app);
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const failure = await check(
        `inert ${c.label}`,
        1000 + i,
        c.label === 'org name' ? Math.ceil(RUNS / 3) : Math.ceil((RUNS * 2) / 3),
        inertArb(c.max),
        (v) => c.run(v),
      );
      if (failure) failures.push(failure);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);

    // The tables are all there and the lists still answer.
    for (const table of ['orgs', 'communities', 'staff', 'couriers', 'residents', 'parcels', 'parcel_events', 'outbox', 'sessions'] as const) {
      const { n } = await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n), table).toBeGreaterThan(0);
    }
    expect((await get<Page<Parcel>>('/api/parcels')).total).toBeGreaterThan(RUNS / 2);
    expect((await get<Page<Resident>>('/api/residents')).total).toBeGreaterThan(RUNS / 2);
    expect((await get<Page<Courier>>('/api/couriers')).total).toBeGreaterThan(1);
    expectStatus(await w.admin.get('/api/parcels/counts'), 200);
    // JSON, never HTML: a browser does not render what it is given back.
    const r = await t.app.inject({ method: 'GET', url: '/api/residents', headers: { cookie: `sid=${w.admin.cookie}` } });
    expect(r.headers['content-type']).toContain('application/json');
    await expectHealthy(t.app);
  });

  it(
    'CR/LF, other control characters and invisible or bidi characters inside a single-line field: 400 with issues naming it, nothing stored',
    { timeout: 120_000 },
    async () => {
      const { cases } = await textCases(t.app);
      const breakArb = fc.constantFrom(
        '\r\n',
        '\n',
        '\r',
        '\u0000',
        '\t',
        '\u001b',
        '\u007f',
        '\r\nSet-Cookie: x=1\r\n',
        '\nX-Injected: 1\n',
        '\n{"level":60,"msg":"INJECTED"}\n',
        ...SPOOF,
      );
      const sideArb = fc.oneof(chineseArb, fc.constantFrom(...SQL.filter((s) => s.trim() === s), ...HTML)).filter((s) => s.length <= 8);
      const failures: string[] = [];
      for (const [i, c] of cases.entries()) {
        const arb = fc.tuple(sideArb, breakArb, sideArb).map(([a, b, z]) => a + b + z);
        const failure = await check(`control ${c.label}`, 2000 + i, c.label === 'org name' ? Math.ceil(RUNS / 3) : Math.ceil(RUNS / 2), arb, async (v) => {
          const { req, res, field, unchanged } = await c.refuse(v);
          const problem = problemsOf(c.label, req, res, { why: 'control character in a single-line field', parserError: false });
          if (problem) throw new Error(problem);
          const issues = (res.body as { issues: { path: string }[] }).issues;
          if (!issues.some((x) => x.path === field)) throw new Error(`${c.label}: no issue at ${field}: ${res.text}`);
          await unchanged();
        });
        if (failure) failures.push(failure);
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
      await expectHealthy(t.app);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------------

describe('logs', () => {
  it('stay one JSON object a line whatever the input holds (no log-line injection)', { timeout: 120_000 }, async () => {
    const logs = capturedLogs();
    const app = await buildApp({ config: testConfig({ logLevel: 'info' }), database: t.database, now: t.clock.now, logStream: logs.stream });
    await app.ready();
    const failures: string[] = [];
    try {
      const w = await createWorld(app);
      const admin: Actor = { cookie: w.admin.cookie };
      const courier: Actor = { cookie: w.courier.cookie };
      const lineBreakArb = fc
        .tuple(fc.constantFrom(...CRLF, ...NUL, '\u2028', '\u0085', '\u001b[31m'), fc.constantFrom(...INERT), fc.constantFrom('', '\r\n', '\n'))
        .map(([a, b, z]) => a + b + z);
      const requestArb = fc.tuple(fc.integer({ min: 0, max: 6 }), lineBreakArb).map(([which, v]): [Actor, Sent] => {
        switch (which) {
          case 0:
            return [admin, { method: 'GET', url: `/api/parcels?q=${enc(v)}` }];
          case 1:
            return [admin, { method: 'GET', url: `/api/residents?q=${enc(v)}&building=${enc(v)}` }];
          case 2:
            return [
              admin,
              {
                method: 'POST',
                url: '/api/residents',
                payload: JSON.stringify({ communityId: w.community.id, name: v, phone: randomMobile(), building: v, unit: '1', room: '1' }),
              },
            ];
          case 3:
            return [{ freshIp: true }, { method: 'POST', url: '/api/auth/staff/login', payload: JSON.stringify({ username: v, password: v }) }];
          case 4:
            return [
              courier,
              {
                method: 'POST',
                url: '/api/courier/parcels',
                payload: JSON.stringify({ communityId: w.community.id, trackingNo: v, recipientPhone: v, recipientName: v }),
                headers: { 'idempotency-key': uniq('log') },
              },
            ];
          case 5:
            return [admin, { method: 'GET', url: `/api/nope/${enc(v)}?x=${enc(v)}` }];
          default:
            return [{}, { method: 'GET', url: `/api/dev/messages?to=${enc(v)}` }];
        }
      });
      const failure = await check('logs', 3000, RUNS * 2, requestArb, async ([actor, req]) => {
        const res = await send(app, actor, req);
        const problem = problemsOf(`${req.method} ${req.url.split('?')[0]}`, req, res, null);
        if (problem) throw new Error(problem);
      });
      if (failure) failures.push(failure);
    } finally {
      await app.close();
    }
    expect(failures, failures.join('\n\n')).toEqual([]);

    const lines = logs
      .text()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(RUNS);
    let withBreak = 0;
    for (const line of lines) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`a log line is not JSON: ${JSON.stringify(line.slice(0, 300))}`);
      }
      expect(typeof entry.level, line).toBe('number');
      expect(typeof entry.msg, line).toBe('string');
      expect(entry.msg, line).not.toBe('INJECTED');
      expect(line, 'a raw carriage return in a log line').not.toContain('\r');
      const url = (entry.req as { url?: string } | undefined)?.url ?? '';
      expect(url, 'a raw line break or control character in a logged URL').not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      if (/\\u000[da]/.test(url)) withBreak++;
    }
    // The line breaks did reach the logs (the URL is logged decoded), written as \u000d / \u000a.
    expect(withBreak).toBeGreaterThan(0);
  });
});
