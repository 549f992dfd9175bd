/**
 * What one invocation did, and what one record of it adds: the one set of counters of the
 * processor. A record's counts are added to the batch's only when its result is returned
 * (response.ts); the batch's are logged as one line and published as metrics (lambda.ts).
 */

/** Counters by name: events by log format, records by reason, events by rule or class. */
export type Tally = Record<string, number>;

export interface Counts {
  recordsIn: number;
  ok: number;
  dropped: number;
  processingFailed: number;
  eventsOut: number;
  unparsedLines: number;
  bytesIn: number;
  bytesOut: number;
  /** Records failed because the response would have passed RESPONSE_LIMIT_BYTES. */
  failedOverResponseLimit: number;
  /** Ok records whose events were sent gzip-compressed, to fit a record or the response. */
  compressed: number;
  /** Events read (parsed, or kept raw) before DROP_EVENTS and SAMPLE: out + dropped + sampled out. */
  eventsIn: number;
  eventsDropped: number;
  eventsSampledOut: number;
  /** Events REDACT changed. */
  eventsRedacted: number;
  eventsByFormat: Tally;
  /** Why records were Dropped or ProcessingFailed, by reason. */
  reasons: Tally;
  /** Events dropped, sampled out and redacted, by rule (DROP_EVENTS, SAMPLE) or class (REDACT). */
  droppedBy: Tally;
  sampledOutBy: Tally;
  redactedBy: Tally;
}

type TallyKey = {
  [K in keyof Counts]: Counts[K] extends Tally ? K : never;
}[keyof Counts];
type NumberKey = Exclude<keyof Counts, TallyKey>;

export function emptyCounts(): Counts {
  return {
    recordsIn: 0,
    ok: 0,
    dropped: 0,
    processingFailed: 0,
    eventsOut: 0,
    unparsedLines: 0,
    bytesIn: 0,
    bytesOut: 0,
    failedOverResponseLimit: 0,
    compressed: 0,
    eventsIn: 0,
    eventsDropped: 0,
    eventsSampledOut: 0,
    eventsRedacted: 0,
    eventsByFormat: {},
    reasons: {},
    droppedBy: {},
    sampledOutBy: {},
    redactedBy: {},
  };
}

export function count(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

/** Adds every counter `part` has to `into`. */
export function addCounts(into: Counts, part: Partial<Counts>): void {
  for (const key in part) {
    const value = part[key as keyof Counts];
    if (typeof value === 'number') into[key as NumberKey] += value;
    else if (value) for (const name in value) count(into[key as TallyKey], name, value[name]);
  }
}
