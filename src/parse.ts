import { MAX_READ_FIELDS, RESERVED_FIELDS } from './enrich';
import { EXECUTION_FIELDS } from './execution';
import {
  ALIAS_FIELDS,
  aliasName,
  canonicalName,
  type Fields,
  isIntegerField,
  isLabel,
  squashKey,
  toInteger,
} from './fields';
import { Ambiguous, type CompiledFormat, compileFormat, variableField } from './formats/compile';
import { compileConfigured, KNOWN_FORMATS } from './formats/known';
import { knownVariables, OTHER_API_VARIABLES } from './formats/variables';

/**
 * `format` names the reading that produced the fields; it becomes the event's `log_format`. A line
 * that is not read has a reason; one read more than one way also has the fields every reading
 * agrees on (`agreed`), and is kept whole as `message` like any line that is not read.
 */
export type ReadResult =
  | { readonly ok: true; readonly fields: Fields; readonly format: string }
  | { readonly ok: false; readonly reason: string; readonly agreed?: Fields };

export type LineReader = (line: string) => ReadResult;

let knownCompiled: readonly CompiledFormat[] | undefined;

/**
 * The known formats, compiled when first needed: a function whose lines all match LOG_FORMAT, and
 * that has no rule to check, never compiles them (six formats were a few tenths of a millisecond
 * of every cold start).
 */
function knownFormats(): readonly CompiledFormat[] {
  knownCompiled ??= Object.entries(KNOWN_FORMATS).map(([name, source]) =>
    compileFormat(name, source),
  );
  return knownCompiled;
}

/** AWS's JSON sample format, for a JSON line JSON.parse refuses. */
const jsonTemplate = () =>
  knownFormats().find((format) => format.name === 'json') as CompiledFormat;

/**
 * A format's labels (`Label: $context.x`) and JSON keys (`"key":"$context.x"`), each to its
 * variable's field, keyed as aliasName keys its table.
 */
const labelsOf = (source: string) =>
  [
    ...source.matchAll(
      /(?:(?:^|, )([A-Za-z][A-Za-z0-9]*): |"([A-Za-z][A-Za-z0-9_.-]*)"\s*:\s*"?)\$context\.([A-Za-z0-9_.]+)/g,
    ),
  ].map(
    ([, label, key, path]) =>
      [squashKey((label ?? key) as string), variableField(path as string)] as const,
  );

/**
 * How a fallback reading names fields, for one LOG_FORMAT. `labels`: the labels of the known
 * `Label: value` formats and of LOG_FORMAT, each to its variable's field (`WafResponse` →
 * `waf_response_code`), so that a line such a format does not read itself (a value of the wrong
 * type) still has the fields it would give. `names`: the names a field may have, those of API
 * Gateway's variables, of the aliases, of the known formats and of LOG_FORMAT (eventFields), never
 * one the processor writes. The other names a line gives stay in `message`: a client's text can
 * pose as keys and labels in a line whose format does not escape it (§2), each new name is a
 * column, and past OpenObserve's limit of columns a whole batch is lost with a 200 answer
 * (docs/contracts.md §5.7).
 */
interface Naming {
  readonly labels: ReadonlyMap<string, string>;
  readonly names: ReadonlySet<string>;
}

function namingFor(logFormat: string): Naming {
  const labels = new Map([
    ...Object.values(KNOWN_FORMATS).flatMap(labelsOf),
    ...labelsOf(logFormat),
  ]);
  const names = eventFields(logFormat);
  for (const reserved of RESERVED_FIELDS) names.delete(reserved);
  names.delete('message');
  return { labels, names };
}

/** The field a key or label of a line names: a format's label, else aliasName's. */
function fieldName(naming: Naming, key: string): string {
  const squashed = squashKey(key);
  return naming.labels.get(squashed) ?? aliasName(key, squashed);
}

/**
 * Gathers fields from a reading whose names come from the line itself (JSON keys, labels). What
 * cannot become a field — a name outside `names`, a reserved or repeated name, a value of the
 * wrong type, anything past the field cap — is kept, as written, for `message`.
 */
class FieldCollector {
  readonly fields: Fields = {};
  readonly leftover: [string, unknown][] = [];
  /** The line's own `message`, if it has one. */
  message: unknown;
  /** Fields the line names twice (a key, or two of its aliases): which one is true is unknown. */
  repeated?: Set<string>;
  /** Every field named so far, kept as a field or not (a value of the wrong type is not). */
  private readonly named = new Set<string>();
  private count = 0;

  constructor(private readonly naming: Naming) {}

  add(key: string, value: unknown): void {
    if (value === null || value === undefined || value === '' || value === '-') return;
    const alias = isLabel(key) ? fieldName(this.naming, key) : undefined;
    // A name the processor writes, or one it does not know, never becomes a field: each value of
    // one goes to `message` (`message` itself is the line's own message).
    const field =
      alias === 'message' || (alias !== undefined && this.naming.names.has(alias))
        ? alias
        : undefined;
    if (field === 'message') {
      // The line's own message; a second one is kept as written with the other leftovers.
      if (this.message === undefined) this.message = value;
      else this.leftover.push([key, value]);
      return;
    }
    if (field !== undefined && this.named.has(field)) {
      // Two names for one field that agree (`integration_latency` and `integrationLatency`, both
      // 116) are one fact; only values that differ leave which one is true unknown, also when the
      // first was not of the field's type (`StatusCode: 200\nRequestId: y-2, StatusCode: 404`:
      // the 404 is another request's).
      const typed = typedValue(field, value);
      const kept = Object.hasOwn(this.fields, field);
      const wouldTake = typed !== undefined && this.count < MAX_READ_FIELDS;
      if (kept ? typed !== this.fields[field] : wouldTake) {
        this.repeated ??= new Set();
        this.repeated.add(field);
        return;
      }
      // The same value again, or one that would not be taken either: nothing changes.
      if (!kept) this.leftover.push([key, value]);
      return;
    }
    const typed = field === undefined ? undefined : typedValue(field, value);
    if (field === undefined || typed === undefined || this.count >= MAX_READ_FIELDS) {
      // Named, for a later value: one of the type after this one may be another request's. Past
      // the cap nothing is taken, so a later value changes nothing.
      if (field !== undefined && typed === undefined) this.named.add(field);
      this.leftover.push([key, value]);
      return;
    }
    this.named.add(field);
    this.fields[field] = typed;
    this.count++;
  }

  /** A line that names a field twice, as a reading that is not taken: only the other fields stand. */
  ambiguity(): Ambiguous | undefined {
    const repeated = this.repeated;
    if (!repeated) return undefined;
    const agreed = { ...this.fields };
    for (const field of repeated) delete agreed[field];
    return new Ambiguous(
      `ambiguous line: ${[...repeated].join(', ')} given more than once; which value is true is unknown`,
      agreed,
    );
  }
}

/** A value in its field's one type (docs/contracts.md §5), or undefined when it has no such form. */
function typedValue(field: string, value: unknown): string | number | undefined {
  if (isIntegerField(field)) {
    if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
    return typeof value === 'string' ? toInteger(value) : undefined;
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Nested objects stay one string: OpenObserve would flatten them into names the line chose.
  return JSON.stringify(value);
}

function withMessage(fields: Fields, own: unknown, extra: string | undefined): Fields {
  const parts: string[] = [];
  if (own !== undefined && own !== null && own !== '') {
    parts.push(typeof own === 'string' ? own : JSON.stringify(own));
  }
  if (extra) parts.push(extra);
  if (parts.length > 0) fields.message = parts.join(' ');
  return fields;
}

/**
 * Any JSON object: keys through the alias table, values in their field's type. JSON.parse keeps
 * the last of a repeated key, so `text` is looked at for repeated keys first.
 */
function readJsonObject(
  value: Record<string, unknown>,
  text: string,
  naming: Naming,
): Fields | Ambiguous {
  const collector = new FieldCollector(naming);
  const { repeated, altered } = jsonTextFacts(text);
  /** A key no field is named by given more than once: only the line as written holds each value. */
  let whole = false;
  for (const [key, written] of repeated) {
    // JSON.parse kept the last value: a key given again with the same value is one fact. A key
    // that is no label (a client's, of any length) is not named: only the line holds its values.
    const field = isLabel(key) ? fieldName(naming, key) : undefined;
    if (field === undefined || !naming.names.has(field)) {
      whole = true;
      continue;
    }
    const last = typedValue(field, value[key]);
    if (written.every((raw) => sameJsonValue(field, raw, last))) continue;
    collector.repeated ??= new Set();
    collector.repeated.add(field);
  }
  for (const key of Object.keys(value)) {
    if (!altered.has(key)) collector.add(key, value[key]);
  }
  const ambiguous = collector.ambiguity();
  if (ambiguous) return ambiguous;
  // A number JSON.parse changed, or a value it dropped: the line itself, as written, is the message.
  if (altered.size > 0 || whole) return withMessage(collector.fields, undefined, text);
  const rest = collector.leftover;
  return withMessage(
    collector.fields,
    collector.message,
    rest.length > 0 ? JSON.stringify(Object.fromEntries(rest)) : undefined,
  );
}

/**
 * Generic `Label: value, Label: value` lines (the OpenObserve guide's style with other labels).
 *   line = label ": " value *( ", " label ": " value )
 *   label = ALPHA *63( ALPHA / DIGIT / "_" / "." / "-" )
 * A value runs to the next `, label: `, so it may hold commas and colons of its own.
 */
const LABEL = /(?:^|, )([A-Za-z][A-Za-z0-9_.-]{0,63}): /g;

function readLabels(line: string, naming: Naming): Fields | Ambiguous | undefined {
  const marks = [...line.matchAll(LABEL)];
  if (marks.length < 2 || marks[0]?.index !== 0) return undefined;
  const collector = new FieldCollector(naming);
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i] as RegExpExecArray;
    const next = marks[i + 1];
    const value = line.slice(mark.index + mark[0].length, next ? next.index : line.length);
    collector.add(mark[1] as string, value);
  }
  const ambiguous = collector.ambiguity();
  if (ambiguous) return ambiguous;
  const rest = collector.leftover.map(([key, value]) => `${key}: ${value as string}`);
  return withMessage(
    collector.fields,
    collector.message,
    rest.length > 0 ? rest.join(', ') : undefined,
  );
}

/** Whether a value as the line wrote it (`"116"`, `116`) is `typed` in `field`'s type. */
function sameJsonValue(field: string, raw: string, typed: string | number | undefined): boolean {
  try {
    return typedValue(field, JSON.parse(raw)) === typed;
  } catch {
    return false;
  }
}

/** What JSON.parse does not tell of an object's text. */
interface JsonTextFacts {
  /**
   * Keys of the outer object that stand more than once, with each value as written but the last
   * (JSON.parse keeps the last silently).
   */
  readonly repeated: Map<string, string[]>;
  /**
   * Keys of the outer object whose value holds a number JSON.parse cannot give back as written
   * (beyond 2^53, `1.0`, `1e3`): its value, and any copy of it, would not be what the line said.
   */
  readonly altered: Set<string>;
}

const isNumberChar = (code: number) =>
  (code >= 48 && code <= 57) ||
  code === 45 ||
  code === 43 ||
  code === 46 ||
  code === 101 ||
  code === 69;

/**
 * Reads a JSON text JSON.parse accepted for JsonTextFacts. A line whose keys each stand once (all
 * but a few) is read once; only one with a repeated key is read again, for those keys' values.
 */
function jsonTextFacts(text: string): JsonTextFacts {
  const { repeatedKeys, altered } = scanJsonText(text);
  const repeated = new Map<string, string[]>();
  if (repeatedKeys.size === 0) return { repeated, altered };
  for (const [key, texts] of scanJsonText(text, repeatedKeys).written) {
    repeated.set(key, texts.slice(0, -1));
  }
  return { repeated, altered };
}

/** Adds a value's text to its key's in `written`; -1, for the next value's start. */
function keepValue(
  written: Map<string, string[]>,
  key: string,
  text: string,
  start: number,
  end: number,
): number {
  const texts = written.get(key);
  if (texts) texts.push(text.slice(start, end));
  else written.set(key, [text.slice(start, end)]);
  return -1;
}

/**
 * The outer object's keys that stand more than once, those whose numbers JSON.parse alters, and
 * the values as written of the keys in `wanted`. Linear: it jumps from quote to quote, and looks
 * at the characters between strings only for nesting and numbers.
 */
function scanJsonText(text: string, wanted?: ReadonlySet<string>) {
  const seen = new Set<string>();
  const repeatedKeys = new Set<string>();
  const altered = new Set<string>();
  const written = new Map<string, string[]>();
  let key = '';
  /** Where the value of a wanted key starts, until it ends; -1 otherwise. */
  let valueStart = -1;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const quote = text.indexOf('"', i);
    const stop = quote === -1 ? text.length : quote;
    while (i < stop) {
      const code = text.charCodeAt(i);
      if (code === 123 || code === 91)
        depth++; // { [
      else if (code === 125 || code === 93) {
        depth--; // } ]
        if (depth === 0 && valueStart >= 0)
          valueStart = keepValue(written, key, text, valueStart, i);
      } else if (code === 44 && depth === 1 && valueStart >= 0) {
        valueStart = keepValue(written, key, text, valueStart, i);
      } else if ((code >= 48 && code <= 57) || code === 45) {
        const start = i;
        while (i < stop && isNumberChar(text.charCodeAt(i))) i++;
        const number = text.slice(start, i);
        if (JSON.stringify(Number(number)) !== number) altered.add(key);
        continue;
      }
      i++;
    }
    if (quote === -1) break;
    let end = quote + 1;
    for (;;) {
      end = text.indexOf('"', end);
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) break;
      end++;
    }
    i = end + 1;
    if (depth !== 1) continue;
    let after = i;
    while (text.charCodeAt(after) <= 32) after++;
    if (text.charCodeAt(after) !== 58) continue; // a value, not a key
    const raw = text.slice(quote + 1, end);
    key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    if (seen.has(key)) repeatedKeys.add(key);
    else seen.add(key);
    i = after + 1;
    if (wanted?.has(key)) valueStart = i;
  }
  return { repeatedKeys, altered, written };
}

function readJsonLine(line: string, naming: Naming): Fields | Ambiguous | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // API Gateway sometimes leaves a quote inside a value unescaped (§2): AWS's JSON sample format
    // still reads such a line, by its separators.
    return jsonTemplate().parse(line);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  try {
    return readJsonObject(value as Record<string, unknown>, line, naming);
  } catch (error) {
    // Nested deeper than JSON.stringify can write again: not read as JSON, the line is kept.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** A reading's result as the reader returns it. */
function result(fields: Fields | Ambiguous, format: string): ReadResult {
  return fields instanceof Ambiguous
    ? { ok: false, reason: fields.reason, agreed: fields.agreed }
    : { ok: true, fields, format };
}

/**
 * A reader for lines written by `logFormat`. A line it does not match (the stage's format changed,
 * or the stream carries other stages' logs) is read by the first of: any JSON object, each known
 * format, generic labels. Never throws: a line nothing reads comes back with the reason, and one
 * that reads more than one way with the reason and what every reading agrees on.
 */
export function createLineReader(
  logFormat: string,
  configured: CompiledFormat = compileConfigured(logFormat),
): LineReader {
  const readOthers = createOtherReader(logFormat);
  return (line) => {
    const fields = configured.parse(line);
    return fields ? result(fields, configured.name) : readOthers(line);
  };
}

/** The readings after LOG_FORMAT's (createLineReader), for a line LOG_FORMAT does not read. */
export function createOtherReader(logFormat: string): LineReader {
  let fallbacks: readonly CompiledFormat[] | undefined;
  const naming = namingFor(logFormat);
  return (line) => {
    if (line.trimStart().startsWith('{')) {
      const json = readJsonLine(line.trim(), naming);
      if (json) return result(json, 'json');
    }
    fallbacks ??= knownFormats().filter((format) => format.source !== logFormat);
    for (const format of fallbacks) {
      const known = format.parse(line);
      if (known) return result(known, format.name);
    }
    const labelled = readLabels(line, naming);
    if (labelled) return result(labelled, 'labels');
    return { ok: false, reason: 'line matches neither LOG_FORMAT nor a known access-log format' };
  };
}

/**
 * Every field an event can have with this LOG_FORMAT: the processor's own, the fields of LOG_FORMAT,
 * of the known formats and of API Gateway's variables (HTTP and WebSocket APIs' too), the names the fallback readings give known
 * keys, and the fields of execution-log events. The rules of DROP_EVENTS, SAMPLE and DROP_FIELDS
 * are checked against it at init; a fallback reading gives no other name (readingNames).
 */
export function eventFields(logFormat: string): Set<string> {
  return new Set([
    ...RESERVED_FIELDS,
    'message',
    'sample_rate',
    ...ALIAS_FIELDS,
    ...knownVariables().map(canonicalName),
    ...OTHER_API_VARIABLES.map(canonicalName),
    ...knownFormats().flatMap((format) => format.fields),
    ...compileFormat('configured', logFormat).fields,
    ...EXECUTION_FIELDS,
  ]);
}
