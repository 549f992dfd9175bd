/**
 * Events to the bytes of one transformed Firehose record, as OpenObserve's `_kinesis_firehose`
 * endpoint reads them (docs/contracts.md §5): one JSON object per line, lines joined by `\n`, one
 * trailing `\n`, never a blank line.
 */

/**
 * One event as one line that starts `{\t`. OpenObserve first tries every record as protobuf OTLP
 * metrics and silently drops the ones that decode (§5.1); a tab as the second byte makes that
 * decode fail, so the JSON path is always taken. JSON.stringify escapes every newline inside
 * values, so the event never spans two lines.
 */
export function encodeEvent(event: object, sampleRate?: number, tail = ''): string {
  // Only a LOG_FORMAT variable named so gives one (a line's own goes to `message`, parse.ts):
  // the processor's weight is the one the dashboards count with.
  if (sampleRate !== undefined && 'sample_rate' in event) delete event.sample_rate;
  let json = JSON.stringify(event);
  // Only a lone surrogate is written as `\udXXX` (a pair is written as it is); rare, so only then
  // are the values looked at (a backslash of a value's own followed by `ud` also comes here).
  if (json.includes('\\ud')) json = JSON.stringify(event, wellFormedValue);
  // The object's properties, then the tail's (`,"name":value` each); no comma first.
  let body = tail === '' ? json.slice(1, -1) : json.slice(1, -1) + tail;
  if (body.charCodeAt(0) === 44 /* , */) body = body.slice(1);
  if (sampleRate === undefined) return `{\t${body}}`;
  // Appended as text: adding the property to every event object would cost more than writing it.
  return body === ''
    ? `{\t"sample_rate":${sampleRate}}`
    : `{\t${body},"sample_rate":${sampleRate}}`;
}

/**
 * A string as JSON text OpenObserve reads: a lone surrogate (half of a UTF-16 pair: a line's
 * `\ud83d` escape read as JSON, text cut between the halves of a pair) becomes U+FFFD first.
 * JSON.stringify writes one as the escape `\ud83d`, which OpenObserve's JSON reader refuses, and
 * with it every record of the delivery (docs/contracts.md §5).
 */
export function jsonString(text: string): string {
  return JSON.stringify(text.isWellFormed() ? text : text.toWellFormed());
}

const wellFormedValue = (_key: string, value: unknown) =>
  typeof value === 'string' && !value.isWellFormed() ? value.toWellFormed() : value;

/** A record's text (each event line followed by `\n`) back to its event lines. */
export function splitEventLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/**
 * A record's text as response data: base64 of its UTF-8 bytes, `bytes` of them
 * (Buffer.byteLength). An ASCII text, as nearly every record's is, goes through btoa: one step
 * where Buffer.from(text).toString('base64') takes two, about 3× faster on Node 20 and 22; btoa
 * reads Latin-1, whose bytes are UTF-8's for ASCII. The same bytes and the same length mean ASCII.
 */
export function textAsBase64(text: string, bytes: number): string {
  return bytes === text.length ? btoa(text) : Buffer.from(text).toString('base64');
}
