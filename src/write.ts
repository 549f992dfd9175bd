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
import { type EnrichSettings, hashIp, latencyBucketIndex, type Origin, truncateIp } from './enrich';
import { RESERVED_FIELDS } from './fields';
import type { CompiledFormat, Reading } from './formats/compile';
import { MAX_EVENT_TIME_MS, parseRequestTime, requestTimeIso } from './time';
import { traceIdOf } from './trace';

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
 * an integer as written, or a value enrichment replaces.
 */
const TEXT = 0;
const TOKEN = 1;
const INTEGER = 2;
const REQUEST_TIME = 3;
const SOURCE_IP = 4;
type Role = typeof TEXT | typeof TOKEN | typeof INTEGER | typeof REQUEST_TIME | typeof SOURCE_IP;

/**
 * Whether JSON must escape a character of `value`: a quote, a backslash, a control character, or a
 * surrogate (JSON.stringify writes a lone one as `\uXXXX`; a pair is left to it too). Most values
 * have none, and are then written as they are. A regular expression: V8 scans a character class
 * faster than a loop over charCodeAt.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const MUST_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
export const needsEscape = (value: string): boolean => MUST_ESCAPE.test(value);

/** A string value with its quotes, escaped as JSON.stringify would, only when it must be. */
export function quoted(value: string): string {
  return needsEscape(value) ? JSON.stringify(value) : `"${value}"`;
}

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
const OBJECT_PATH_FIELDS = new Set([...RESERVED_FIELDS, 'message', 'sample_rate']);
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
  if (field === 'request_time') return REQUEST_TIME;
  if (field === 'source_ip' && settings.sourceIp.mode !== 'keep') return SOURCE_IP;
  return kind === 'token' ? TOKEN : TEXT;
}

/**
 * `_timestamp`'s text: enrichEvent's epoch microseconds of the request's time, else of the line's
 * fallback. A request time in whole milliseconds, as requestTimeEpoch is, is its text and `000`,
 * with no number to format; any other is formatted once for the lines that share it.
 */
function createTimestamp(format: CompiledFormat) {
  const epochAt = format.fields.indexOf('request_time_epoch');
  const timeAt = format.fields.indexOf('request_time');
  let lastMs: number | undefined;
  let lastText = '';
  const timestampOf = (reading: Reading, fallbackTimeMs: number): string => {
    const epoch = epochAt < 0 ? undefined : reading.values[epochAt];
    if (typeof epoch === 'number' && epoch > 0 && epoch <= MAX_EVENT_TIME_MS) {
      const text = reading.texts[epochAt] as string;
      if (text.charCodeAt(0) !== 48) return `${text}000`; // no leading zero: as JSON writes it
    }
    const requestTime = timeAt < 0 ? undefined : reading.values[timeAt];
    const timeMs =
      (typeof epoch === 'number' && epoch > 0 && epoch <= MAX_EVENT_TIME_MS ? epoch : undefined) ??
      (typeof requestTime === 'string' ? parseRequestTime(requestTime) : undefined) ??
      fallbackTimeMs;
    if (timeMs !== lastMs) {
      lastMs = timeMs;
      lastText = `${Math.round(timeMs * 1000)}`;
    }
    return lastText;
  };
  return timestampOf;
}

/** The line's end: the field after `_timestamp`, and the newline after the event. */
const END = ',"sample_rate":1}\n';

/**
 * The enrichment of enrichEvent, from the values by position: the text after the fields, each
 * piece written with what ends the value before it, as the fields are (`state`).
 */
function createTail(format: CompiledFormat, settings: EnrichSettings) {
  const { fields } = format;
  const [statusAt, latencyAt, integrationAt, xrayAt] = [
    fields.indexOf('status'),
    fields.indexOf('response_latency'),
    fields.indexOf('integration_latency'),
    fields.indexOf('xray_trace_id'),
  ];
  const traceKeys = afterEach('"trace_id":"');
  // Each piece by state, as the keys are; the labels leave their string open.
  const statusClasses: string[][] = [];
  for (const label of ['', '1xx', '2xx', '3xx', '4xx', '5xx']) {
    statusClasses.push(afterEach(`"status_class":"${label}`));
  }
  const buckets = settings.latencyBuckets;
  const bucketTexts: string[][] = [];
  for (const label of buckets.labels) {
    bucketTexts.push(afterEach(`"latency_bucket":${JSON.stringify(label).slice(0, -1)}`));
  }
  const overheadKeys = afterEach('"integration_overhead_ms":');
  const logFormat = `"log_format":${JSON.stringify(format.name)}`;
  const logFormats = afterEach(logFormat);
  const timestamp = createTimestamp(format);
  let lastEnvelope: Envelope | undefined;
  let envelopeText = '';
  /** envelopeText and originThenTime together: one piece per line. */
  let envelopeThenTime = '';
  // The account and region change at most once per invocation: their text is made then.
  let lastOrigin: Origin | undefined;
  let originThenTime = ',"_timestamp":';
  let logFormatsThenTime = afterEach(`${logFormat}${originThenTime}`);
  const useOrigin = (origin: Origin | undefined) => {
    if (origin === lastOrigin) return;
    lastOrigin = origin;
    originThenTime = origin
      ? `,"aws_account_id":${quoted(origin.aws_account_id)},"aws_region":${quoted(origin.aws_region)},"_timestamp":`
      : ',"_timestamp":';
    logFormatsThenTime = afterEach(`${logFormat}${originThenTime}`);
    envelopeThenTime = `${envelopeText}${originThenTime}`;
  };

  const writeTail = (
    fields: string,
    fieldsState: number,
    reading: Reading,
    fallbackTimeMs: number,
    envelope: Envelope | undefined,
    origin: Origin | undefined,
  ): string => {
    const { values } = reading;
    let out = fields;
    let state = fieldsState;
    const xray = xrayAt < 0 ? undefined : values[xrayAt];
    if (typeof xray === 'string') {
      const traceId = traceIdOf(xray);
      if (traceId) {
        out += `${traceKeys[state]}${traceId}`;
        state = OPEN;
      }
    }
    useOrigin(origin);
    const status = statusAt < 0 ? undefined : values[statusAt];
    if (typeof status === 'number' && status >= 100 && status <= 599) {
      out += statusClasses[Math.floor(status / 100)]?.[state];
      state = OPEN;
    }
    const latency = latencyAt < 0 ? undefined : values[latencyAt];
    if (typeof latency === 'number') {
      out += bucketTexts[latencyBucketIndex(latency, buckets)]?.[state];
      state = OPEN;
      const integration = integrationAt < 0 ? undefined : values[integrationAt];
      if (typeof integration === 'number') {
        out += `${overheadKeys[state]}${latency - integration}`;
        state = CLOSED;
      }
    }
    if (envelope) {
      if (envelope !== lastEnvelope) {
        lastEnvelope = envelope;
        envelopeText = `,"log_group":${quoted(envelope.log_group)},"log_stream":${quoted(envelope.log_stream)},"owner":${quoted(envelope.owner)}`;
        envelopeThenTime = `${envelopeText}${originThenTime}`;
      }
      out += `${logFormats[state]}${envelopeThenTime}`;
    } else {
      out += logFormatsThenTime[state];
    }
    return `${out}${timestamp(reading, fallbackTimeMs)}${END}`;
  };
  return writeTail;
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
  const keys: string[] = [];
  const openKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    roles.push(roleOf(format.fields[i] as string, format.kinds[i] as string, settings));
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
  const policy = settings.sourceIp;

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
            out += `${keys[at]}${JSON.stringify(value)}`;
            state = CLOSED;
          } else {
            out += `${openKeys[at]}${value}`;
            state = OPEN;
          }
          break;
        case REQUEST_TIME: {
          // A request time has one shape (formats/compile.ts), so it always has an ISO 8601 form,
          // which needs no escape.
          const iso = requestTimeIso(value as string);
          out +=
            iso === undefined ? `${keys[at]}${quoted(value as string)}` : `${openKeys[at]}${iso}`;
          state = iso === undefined ? CLOSED : OPEN;
          break;
        }
        case SOURCE_IP: {
          // Truncated and hashed addresses are digits, hex, `.` and `:`: nothing to escape.
          const ip =
            policy.mode === 'hash'
              ? hashIp(value as string, policy.key)
              : truncateIp(value as string);
          if (ip === undefined) break;
          out += `${openKeys[at]}${ip}`;
          state = OPEN;
        }
      }
    }
    return tail(out, state, reading, fallbackTimeMs, envelope, origin);
  };
  return writeEvent;
}
