/**
 * The object path's enricher (object-path.ts): ENRICHMENTS (enrich.ts) applied to a line's fields
 * object. The writer (write.ts) applies the same table to the line's text.
 */
import type { Envelope } from './decode';
import { jsonString } from './encode';
import {
  ENRICHMENTS,
  type Enrichment,
  type EnrichSettings,
  type LineContext,
  type Origin,
  rewriteOf,
  type Where,
} from './enrich';
import type { Fields } from './fields';
import { integerTextOf } from './write';

/** The fields a rewrite may apply to. */
const REWRITTEN = ['request_time', 'source_ip', 'api_key'];

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
  const { key, derived, rewritten, rewrites, where } = enricherParts(settings);
  const set = ENRICHMENTS.map(({ field }, i) => `if (v${i} !== undefined) ${key(field)} = v${i};`);
  const body = [
    'where.format = format;',
    'where.line = context;',
    ...derived,
    ...rewritten,
    ...set,
    'return fields;',
  ].join('\n');
  const make = new Function(
    'entries',
    'rewrites',
    'where',
    `return (fields, format, context) => {\n${body}\n};`,
  );
  return make(ENRICHMENTS, rewrites, where) as Enricher;
}

/**
 * The code of an enricher's parts, for these settings: `derived` computes each entry's value as
 * `v<i>` (from the fields as read: `_timestamp` reads request_time before it becomes ISO 8601),
 * `rewritten` rewrites REWRITTEN in place. The names are checked to be plain.
 */
function enricherParts(settings: EnrichSettings) {
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
  const derived = ENRICHMENTS.map(
    ({ from: [first, second] }, i) =>
      `const v${i} = entries[${i}].derive(${read(first)}, ${read(second)}, where);`,
  );
  const rewritten = rewrites.map(
    ({ field }, i) =>
      `if (typeof ${key(field)} === 'string') { const r = rewrites[${i}].rewrite(${key(field)}); if (r === undefined) delete ${key(field)}; else ${key(field)} = r; }`,
  );
  const where = { format: '', line: { fallbackTimeMs: 0 } as LineContext, settings };
  return { rewrites, key, derived, rewritten, where };
}

/**
 * A line's fields enriched for encoding (encodeEvent), when no rule will read them: what
 * ENRICHMENTS adds up to its first entry that reads no field is set on `fields` (mutated, as by
 * Enricher); the rest is returned as JSON text to follow the fields, `,"name":value` each. The
 * entries that read no field take their values from the format, envelope and origin alone, so
 * each run of them is written once per format, envelope and origin: an event of a CloudWatch or
 * execution-log record is stringified with seven properties fewer. The same bytes as the
 * Enricher's object stringified (the property test and the golden outputs hold it).
 */
export type TextEnricher = (fields: Fields, format: string, context: LineContext) => string;

export function createTextEnricher(settings: EnrichSettings): TextEnricher {
  const { key, derived, rewritten, rewrites, where } = enricherParts(settings);
  const split = ENRICHMENTS.findIndex(({ from }) => from.length === 0);
  const onFields = split === -1 ? ENRICHMENTS.length : split;
  const runs: ContextText[] = [];
  const code: string[] = [];
  ENRICHMENTS.forEach(({ field, from }, i) => {
    if (i < onFields) {
      code.push(`if (v${i} !== undefined) ${key(field)} = v${i};`);
    } else if (from.length > 0) {
      code.push(
        `if (v${i} !== undefined) tail += ${JSON.stringify(`,${JSON.stringify(field)}:`)} + jsonValue(v${i});`,
      );
    } else if (ENRICHMENTS[i - 1]?.from.length === 0 && i > onFields) {
      (runs[runs.length - 1] as ContextText).entries.push(i);
    } else {
      runs.push(new ContextText(where, [i]));
      code.push(`tail += runs[${runs.length - 1}].text();`);
    }
  });
  // Derived before the rewrites, as the Enricher does; an entry that reads no field, only when its
  // run's text is made.
  const derivedFromFields = derived.filter(
    (_, i) => (ENRICHMENTS[i] as Enrichment).from.length > 0,
  );
  const body = [
    'where.format = format;',
    'where.line = context;',
    'let tail = "";',
    ...derivedFromFields,
    ...rewritten,
    ...code,
    'return tail;',
  ].join('\n');
  const make = new Function(
    'entries',
    'rewrites',
    'where',
    'runs',
    'jsonValue',
    `return (fields, format, context) => {\n${body}\n};`,
  );
  return make(ENRICHMENTS, rewrites, where, runs, jsonValue) as TextEnricher;
}

/** A value as JSON text: a string as OpenObserve reads it (jsonString), a number as the writer writes it. */
function jsonValue(value: unknown): string {
  if (typeof value === 'number') return integerTextOf(value);
  return typeof value === 'string' ? jsonString(value) : JSON.stringify(value);
}

/** A run of entries that read no field, as text, made again when the format, envelope or origin changes. */
class ContextText {
  private format: string | undefined;
  private envelope: Envelope | undefined;
  private origin: Origin | undefined;
  private made: string | undefined;

  constructor(
    private readonly where: Where,
    readonly entries: number[],
  ) {}

  text(): string {
    const { format, line } = this.where;
    if (
      this.made === undefined ||
      format !== this.format ||
      line.envelope !== this.envelope ||
      line.origin !== this.origin
    ) {
      this.format = format;
      this.envelope = line.envelope;
      this.origin = line.origin;
      let text = '';
      for (const i of this.entries) {
        const { field, derive } = ENRICHMENTS[i] as Enrichment;
        const value = derive(undefined, undefined, this.where);
        if (value !== undefined) text += `,${JSON.stringify(field)}:${jsonValue(value)}`;
      }
      this.made = text;
    }
    return this.made;
  }
}
