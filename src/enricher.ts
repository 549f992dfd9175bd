/**
 * The object path's enricher (object-path.ts): ENRICHMENTS (enrich.ts) applied to a line's fields
 * object. The writer (write.ts) applies the same table to the line's text.
 */
import { ENRICHMENTS, type EnrichSettings, type LineContext, rewriteOf } from './enrich';
import type { Fields } from './fields';

/** The fields a rewrite may apply to. */
const REWRITTEN = ['request_time', 'source_ip'];

/**
 * A line's fields enriched in place: REWRITTEN rewritten, ENRICHMENTS added; mutates and returns
 * `fields`.
 */
export type Enricher = (fields: Fields, format: string, context: LineContext) => Fields;

/** A field name as code may hold it: the table's own names are all of this form. */
const PLAIN_FIELD = /^[a-z_][a-z0-9_]*$/;

/**
 * The enricher for one set of settings, made once per configuration (object-path.ts). Written as
 * code for the table, once: each field read and written by its own name, as hand-written code
 * would. In a loop over the table one
 * place would read and write every name, which V8 handles as megamorphic property access, the
 * object path's slowest step (it made the rules benchmark 18% slower). The code holds only the
 * table's field names, each checked to be a plain name, and calls the entries' own functions.
 */
export function createEnricher(settings: EnrichSettings): Enricher {
  const rewrites = REWRITTEN.flatMap((field) => {
    const rewrite = rewriteOf(field, settings);
    return rewrite ? [{ field, rewrite }] : [];
  });
  const names = [
    ...ENRICHMENTS.flatMap(({ field, from }) => [field, ...from]),
    ...rewrites.map(({ field }) => field),
  ];
  const bad = names.find((name) => !PLAIN_FIELD.test(name));
  if (bad !== undefined)
    throw new Error(`enrichment field ${JSON.stringify(bad)} is not a plain name`);
  const key = (name: string) => `fields[${JSON.stringify(name)}]`;
  const read = (name: string | undefined) => (name === undefined ? 'undefined' : key(name));
  // Derived from the fields as read: `_timestamp` reads request_time before it becomes ISO 8601.
  const derived = ENRICHMENTS.map(
    ({ from: [first, second] }, i) =>
      `const v${i} = entries[${i}].derive(${read(first)}, ${read(second)}, where);`,
  );
  const rewritten = rewrites.map(
    ({ field }, i) =>
      `if (typeof ${key(field)} === 'string') { const r = rewrites[${i}].rewrite(${key(field)}); if (r === undefined) delete ${key(field)}; else ${key(field)} = r; }`,
  );
  const set = ENRICHMENTS.map(({ field }, i) => `if (v${i} !== undefined) ${key(field)} = v${i};`);
  const body = [
    'where.format = format;',
    'where.line = context;',
    ...derived,
    ...rewritten,
    ...set,
    'return fields;',
  ].join('\n');
  const where = { format: '', line: { fallbackTimeMs: 0 } as LineContext, settings };
  const make = new Function(
    'entries',
    'rewrites',
    'where',
    `return (fields, format, context) => {\n${body}\n};`,
  );
  return make(ENRICHMENTS, rewrites, where) as Enricher;
}
