import fc from 'fast-check';

/** An object nested `depth` levels deep: {"a":{"a":…{"a":1}…}}. Built by a loop, not recursion. */
export function deepObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** An array nested `depth` levels deep: [[[…[1]…]]]. */
export function deepArray(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

// Built once: fast-check reuses the references, so a 1 MB string costs 1 MB however often it runs.
const MB = 1024 * 1024;
const HUGE_STRINGS = [
  'x'.repeat(65),
  'x'.repeat(201),
  'k'.repeat(256),
  'e'.repeat(4001),
  'p'.repeat(65_537),
  'é'.repeat(40_000), // 80 KB of two-byte characters: lengths in bytes and characters differ
  '🧨'.repeat(20_000), // astral characters: 2 UTF-16 units, 4 UTF-8 bytes each
  'r'.repeat(MB + 1),
];

/** Strings that break naive code: control characters, encodings, SQL, paths, formats. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'certificate\u0000',
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'x\uD83Dy',
  '\u202Eevil\u202C', // right-to-left override
  'مرحبا بالعالم',
  'שלום',
  '🧨👩‍👩‍👧🏳️‍🌈',
  'e\u0301', // combining accent
  '\u200B\u200D\uFEFF', // zero-width characters and a BOM
  '\r\n\t\v\f\b',
  '\u001b[31mred',
  "'; drop table public.job_queue; --",
  "x'); delete from public.job_queue; --",
  "' or '1'='1",
  '$$; drop schema public cascade; $$',
  '"; select pg_sleep(10); --',
  '\\',
  "\\'",
  '%',
  '_%\\%',
  '.*',
  '(a+)+$',
  '{}',
  '{1,2}',
  '{"a":1}',
  '[]',
  'null',
  'NULL',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  'infinity',
  '-infinity',
  'epoch',
  'allballs',
  '1e309',
  '0x10',
  ' 1 ',
  '١٢٣', // Arabic-Indic digits
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  '2024-02-30',
  '294277-01-01 00:00:00',
  '4714-11-24 00:00:00 BC',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{00000000-0000-4000-8000-00000000a7a1}',
  'not-a-uuid',
  '1 year',
  '-1 day',
  '999999999 years',
  '1 mon',
  '1 microsecond',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  'JVBERi0xLjcK', // "%PDF-1.7\n" in base64
  '!!!not base64!!!',
  'certificate',
  'a',
  ...HUGE_STRINGS,
];

const INT_LIMITS = [
  0,
  -1,
  1,
  10,
  11,
  25,
  26,
  100,
  101,
  1000,
  1001,
  32_767,
  32_768,
  -32_769,
  86_400,
  86_401,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER,
];

const numbers = fc.oneof(
  fc.constantFrom(...INT_LIMITS),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.5, 1e308, 5e-324),
  fc.integer(),
  fc.double(),
);

const strings = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, // any code point, lone surrogates too
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,70}$/) }, // near-valid job types
);

const scalars = fc.oneof(fc.constant(null), fc.boolean(), numbers, strings);

/** Names a value for fast-check's reports, which would otherwise recurse through it and overflow. */
function labelled<T extends object>(value: T, label: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => label, enumerable: false });
  return value;
}

// Depth 1,000 to 2,000: as deep as JSON.stringify (which every JS client uses to send JSON) goes
// with room to spare; deeper values are covered by the dedicated tests in deepInput.test.ts.
const DEEP = [
  labelled(deepObject(1_000) as object, 'deepObject(1000)'),
  labelled(deepArray(1_000) as object, 'deepArray(1000)'),
  labelled(deepObject(2_000) as object, 'deepObject(2000)'),
  labelled({ a: deepObject(1_500), b: [deepArray(500)] }, '{a: deepObject(1500), b: [deepArray(500)]}'),
];

/**
 * Any value a hostile or buggy client could send for an argument: wrong JS types, null, huge
 * strings, deep JSON, unicode (NUL, lone surrogates, RTL, emoji), SQL fragments, numbers at the
 * int limits and beyond, arrays where scalars are expected and objects where arrays are.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalars },
  { weight: 2, arbitrary: fc.array(scalars, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(fc.array(scalars, { maxLength: 3 }), { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(...DEEP) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);
