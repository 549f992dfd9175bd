/**
 * The common event written straight from its line: a line the configured format reads one way,
 * with no rule set, becomes its JSON text without a fields object. Each field is its precomputed
 * key (`"request_id":"`) and the value sliced from the line, escaped only when it holds a
 * character JSON must escape; integers are written as the line wrote them; the enrichment fields
 * follow. The output is the same text the object path (parse.ts → enrich.ts → encode.ts) writes
 * for the same line, key for key; anything this writer does not cover is left to that path.
 *
 * Written by hand, not with a serializer library: building a fields object per line, enriching it
 * and stringifying it whole was a third of a batch's time, and a library would add that work back.
 */
import type { Envelope } from './decode';
import { jsonString } from './encode';
import {
  ENRICHMENTS,
  type Enrichment,
  type EnrichSettings,
  type Origin,
  RESERVED_FIELDS,
  rewriteOf,
  type Where,
} from './enrich';
import type { CompiledFormat } from './formats/compile';

/**
 * One event's JSON line and the `\n` that ends it in a record, or undefined when the line is not
 * one this writer covers.
 */
export type EventWriter = (
  line: string,
  fallbackTimeMs: number,
  envelope: Envelope | undefined,
  origin?: Origin,
) => string | undefined;

/**
 * How a value is written: text looked at for what JSON escapes, a token whose check already did,
 * an integer as written, or a value rewritten first (enrich.ts, rewriteOf).
 */
const TEXT = 0;
const TOKEN = 1;
const INTEGER = 2;
const REWRITTEN = 3;
/** Rewritten to text that holds nothing JSON escapes: a request time (kind `time`) in ISO 8601, an address. */
const REWRITTEN_PLAIN = 4;
type Role = typeof TEXT | typeof TOKEN | typeof INTEGER | typeof REWRITTEN | typeof REWRITTEN_PLAIN;

/**
 * Whether JSON must escape a character of `value`: a quote, a backslash, a control character, or a
 * surrogate (a lone one becomes U+FFFD in jsonString; a pair is left to it too). Most values
 * have none, and are then written as they are. A regular expression: V8 scans a character class
 * faster than a loop over charCodeAt.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const MUST_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
export const needsEscape = (value: string): boolean => MUST_ESCAPE.test(value);

/**
 * An integer as the line wrote it, which is how JSON.stringify writes the number toInteger read
 * from it unless it has a leading zero (`007`, `-0`).
 */
function integerText(text: string, value: number): string {
  const first = text.charCodeAt(text.charCodeAt(0) === 45 ? 1 : 0);
  return first === 48 && text.length > 1 ? String(value) : text;
}

/** What ends the value before a key: none (the first), a closed one, a string left open. */
const AFTER = ['', ',', '",'];
/** `text` after each state, by state. */
const afterEach = (text: string): string[] => [text, `,${text}`, `",${text}`];
const FIRST = 0;
const CLOSED = 1;
const OPEN = 2;

/** Field names a line may give that the writer leaves to the object path. */
const OBJECT_PATH_FIELDS = new Set([...RESERVED_FIELDS, 'message']);
const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Whether every field of the format can be written as it is read: each named once, none the
 * processor writes itself, each a name JSON needs no escape for.
 */
function writable(format: CompiledFormat): boolean {
  const { fields } = format;
  if (fields.length === 0 || new Set(fields).size !== fields.length) return false;
  for (const field of fields) {
    if (!PLAIN_NAME.test(field) || OBJECT_PATH_FIELDS.has(field)) return false;
  }
  return true;
}

function roleOf(field: string, kind: string, settings: EnrichSettings): Role {
  if (kind === 'integer') return INTEGER;
  if (rewriteOf(field, settings)) {
    const plain = (field === 'request_time' && kind === 'time') || field === 'source_ip';
    return plain ? REWRITTEN_PLAIN : REWRITTEN;
  }
  return kind === 'token' ? TOKEN : TEXT;
}

/** The line's end after each state: the field the object path adds last, and the newline. */
const ENDS = afterEach('"sample_rate":1}\n');

/** A mutable LineContext the tail fills for each line: no object made per line. */
interface LineSlot {
  fallbackTimeMs: number;
  envelope: Envelope | undefined;
  origin: Origin | undefined;
}

/** A value's text after each state, and the state it leaves. */
interface Piece {
  readonly texts: readonly string[];
  readonly state: number;
}

/** An entry's key and value after each state: a string left open, or a closed value. */
function pieceOf(entry: Enrichment, value: string | number): Piece {
  if (entry.kind === 'integer')
    return { texts: afterEach(`"${entry.field}":${value}`), state: CLOSED };
  const text = value as string;
  return entry.kind === 'label' || !needsEscape(text)
    ? { texts: afterEach(`"${entry.field}":"${text}`), state: OPEN }
    : { texts: afterEach(`"${entry.field}":${jsonString(text)}`), state: CLOSED };
}

/**
 * The enrichment entries that read no field of the line, in a run: their values are the batch's
 * or the record's (the reading, the account and region, the envelope), so the run is written as
 * one piece, made again only when the envelope or the origin changes.
 */
class ContextRun {
  private lastEnvelope: Envelope | undefined;
  private lastOrigin: Origin | undefined;
  private made = false;
  /** The run's text after each state, and the state it ends in. */
  private texts: string[] = [];
  private ends: number[] = [];
  /** The state the last write ended in. */
  end = FIRST;

  constructor(
    private readonly entries: readonly Enrichment[],
    private readonly where: Where,
  ) {}

  write(state: number): string {
    const { line } = this.where;
    if (!this.made || line.envelope !== this.lastEnvelope || line.origin !== this.lastOrigin) {
      this.made = true;
      this.lastEnvelope = line.envelope;
      this.lastOrigin = line.origin;
      this.texts = [];
      this.ends = [];
      for (let start = FIRST; start <= OPEN; start++) {
        let text = '';
        let at = start;
        for (const entry of this.entries) {
          const value = entry.derive(undefined, undefined, this.where);
          if (value === undefined) continue;
          const piece = pieceOf(entry, value);
          text += piece.texts[at];
          at = piece.state;
        }
        this.texts.push(text);
        this.ends.push(at);
      }
    }
    this.end = this.ends[state] as number;
    return this.texts[state] as string;
  }
}

/**
 * An integer's JSON text. Hand-written for the hot path: V8 writes an integer past 2^31 through
 * its double-to-text routine, about 140 ns for a `_timestamp`'s 16 digits; two halves of 8 digits
 * at most take a third of that.
 */
const PADDING = ['', '0', '00', '000', '0000', '00000', '000000', '0000000'];
export function integerTextOf(value: number): string {
  if (value < 1e9 && value > -1e9) return `${value}`;
  if (value < 0 || !Number.isSafeInteger(value)) return JSON.stringify(value);
  const high = Math.floor(value / 1e8);
  const low = `${value - high * 1e8}`;
  return `${high}${PADDING[8 - low.length]}${low}`;
}

/** Hands a value to the tail's code under a name of its own, and returns the name. */
type Give = (value: unknown) => string;

/**
 * One entry that reads the line's fields, as the tail's code: its value derived (or, for an entry
 * with `text`, taken from the line's text when that is it), then its key and value added to `out`
 * by the entry's kind, from the state the value before it left.
 */
function entryCode(
  entry: Enrichment,
  format: CompiledFormat,
  settings: EnrichSettings,
  give: Give,
): string {
  const [first = -1, second = -1] = entry.from.map((field) => format.fields.indexOf(field));
  const at = (i: number) => (i < 0 ? 'undefined' : `values[${i}]`);
  const closed = give(afterEach(`"${entry.field}":`));
  const labels = entry.labels?.(settings);
  let write: string;
  if (entry.kind === 'integer') {
    write = `out += ${closed}[state] + integerTextOf(v); state = ${CLOSED};`;
  } else if (labels !== undefined) {
    const pieces = labels.map((label) => [label, afterEach(`"${entry.field}":"${label}`)] as const);
    write = `out += ${give(new Map(pieces))}.get(v)[state]; state = ${OPEN};`;
  } else {
    const open = give(afterEach(`"${entry.field}":"`));
    const plain = entry.kind === 'label' ? 'true' : '!needsEscape(v)';
    write = `if (${plain}) { out += ${open}[state] + v; state = ${OPEN}; }
    else { out += ${closed}[state] + jsonString(v); state = ${CLOSED}; }`;
  }
  const derived = `v = ${give(entry.derive)}(${at(first)}, ${at(second)}, where);
  if (v !== undefined) { ${write} }`;
  if (entry.text === undefined || first < 0) return derived;
  return `t = ${give(entry.text)}(texts[${first}], values[${first}]);
  if (t !== undefined) { out += ${closed}[state] + t; state = ${CLOSED}; } else { ${derived} }`;
}

/**
 * The enricher's additions (createEnricher), from the values by position: ENRICHMENTS in order, each written
 * with what ends the value before it (`state`); each run of entries that read no field is one
 * piece (ContextRun). Written as code for the format, once, each entry in lines of its own: a
 * chain of closures, one per entry, called every `derive` and every next link from one place,
 * which V8 neither inlines nor predicts, and made the writer 5% slower than hand-written code.
 * The code holds only indexes, states and the names of the values it is given.
 */
function createTail(format: CompiledFormat, settings: EnrichSettings) {
  const line: LineSlot = { fallbackTimeMs: 0, envelope: undefined, origin: undefined };
  const where: Where = { format: format.name, line, settings };
  const { values, texts } = format.reading;
  const names = [
    'values',
    'texts',
    'line',
    'where',
    'ENDS',
    'needsEscape',
    'integerTextOf',
    'jsonString',
  ];
  const given: unknown[] = [
    values,
    texts,
    line,
    where,
    ENDS,
    needsEscape,
    integerTextOf,
    jsonString,
  ];
  const give: Give = (value) => {
    given.push(value);
    names.push(`c${names.length}`);
    return names[names.length - 1] as string;
  };
  const code: string[] = [];
  let run: Enrichment[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    const piece = give(new ContextRun(run, where));
    code.push(`out += ${piece}.write(state); state = ${piece}.end;`);
    run = [];
  };
  for (const entry of ENRICHMENTS) {
    if (entry.from.length === 0) {
      run.push(entry);
      continue;
    }
    endRun();
    code.push(entryCode(entry, format, settings, give));
  }
  endRun();
  const tail = `return (out, state, fallbackTimeMs, envelope, origin) => {
  line.fallbackTimeMs = fallbackTimeMs; line.envelope = envelope; line.origin = origin;
  let v; let t;
  ${code.join('\n  ')}
  return out + ENDS[state];
};`;
  return new Function(...names, tail)(...given) as (
    fields: string,
    fieldsState: number,
    fallbackTimeMs: number,
    envelope: Envelope | undefined,
    origin: Origin | undefined,
  ) => string;
}

/**
 * The writer for lines the configured format reads, when no rule is set; undefined when the
 * format has a field it cannot write (see writable). A line it returns undefined for is one the
 * format reads otherwise or not at all: the object path reads it.
 */
export function createEventWriter(
  format: CompiledFormat,
  settings: EnrichSettings,
): EventWriter | undefined {
  if (!writable(format)) return undefined;
  const count = format.fields.length;
  // A value is written with what ends the one before it: nothing first, `,` after a closed value,
  // `",` after a string left open. Key i after state s is keys[s * count + i]; `openKeys` open the
  // value's own quote too. One concatenation per field, not three. (Loops, not map: the function
  // runs once, at init, where each closure would first be compiled.)
  const roles: Role[] = [];
  const rewrites: ((value: string) => string | undefined)[] = [];
  const keys: string[] = [];
  const openKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    const field = format.fields[i] as string;
    roles.push(roleOf(field, format.kinds[i] as string, settings));
    rewrites.push(rewriteOf(field, settings) ?? String);
  }
  for (const after of AFTER) {
    for (const field of format.fields) {
      keys.push(`${after}"${field}":`);
      openKeys.push(`${after}"${field}":"`);
    }
  }
  const { reading } = format;
  const { values, texts, plain } = reading;
  const tail = createTail(format, settings);

  const writeEvent: EventWriter = (line, fallbackTimeMs, envelope, origin) => {
    if (!format.readOne(line)) return undefined;
    let out = '{\t';
    let state = FIRST;
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (value === undefined) continue;
      const at = state * count + i;
      switch (roles[i]) {
        case INTEGER:
          out += `${keys[at]}${integerText(texts[i] as string, value as number)}`;
          state = CLOSED;
          break;
        case TOKEN:
        case TEXT:
          if (!plain[i] && needsEscape(value as string)) {
            out += `${keys[at]}${jsonString(value as string)}`;
            state = CLOSED;
          } else {
            out += `${openKeys[at]}${value}`;
            state = OPEN;
          }
          break;
        case REWRITTEN:
        case REWRITTEN_PLAIN: {
          // A request time in ISO 8601, a truncated or hashed address: a rewrite is left out when
          // it finds nothing, and any other checked for what JSON escapes like any text.
          const rewritten = (rewrites[i] as (value: string) => string | undefined)(value as string);
          if (rewritten === undefined) break;
          if (roles[i] === REWRITTEN && needsEscape(rewritten)) {
            out += `${keys[at]}${jsonString(rewritten)}`;
            state = CLOSED;
          } else {
            out += `${openKeys[at]}${rewritten}`;
            state = OPEN;
          }
        }
      }
    }
    return tail(out, state, fallbackTimeMs, envelope, origin);
  };
  return writeEvent;
}
