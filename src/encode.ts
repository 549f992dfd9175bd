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
export function encodeEvent(event: object, sampleRate?: number): string {
  const json = JSON.stringify(event);
  if (sampleRate === undefined) return `{\t${json.slice(1)}`;
  // Appended as text: adding the property to every event object would cost more than writing it.
  return json === '{}'
    ? `{\t"sample_rate":${sampleRate}}`
    : `{\t${json.slice(1, -1)},"sample_rate":${sampleRate}}`;
}

/** A record's text (each event line followed by `\n`) back to its event lines. */
export function splitEventLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}
