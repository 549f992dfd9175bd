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
  /** Records failed because the invocation's time was running out (firehose.ts, the deadline). */
  failedOutOfTime: number;
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

/**
 * What one record counts for: the same counters, a tally only where the record has one. Every
 * one is made by recordCounts with the same fields, so the code that reads them sees one shape
 * (this runs for every record).
 */
export type RecordCounts = { [K in NumberKey]: number } & { [K in TallyKey]: Tally | undefined };

export function emptyCounts(): Counts {
  return {
    ...recordCounts(),
    eventsByFormat: {},
    reasons: {},
    droppedBy: {},
    sampledOutBy: {},
    redactedBy: {},
  };
}

export function recordCounts(): RecordCounts {
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
    failedOutOfTime: 0,
    compressed: 0,
    eventsIn: 0,
    eventsDropped: 0,
    eventsSampledOut: 0,
    eventsRedacted: 0,
    eventsByFormat: undefined,
    reasons: undefined,
    droppedBy: undefined,
    sampledOutBy: undefined,
    redactedBy: undefined,
  };
}

export function count(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

/**
 * Adds one record's counts to the batch's. Field by field, not in a loop over the keys: this runs
 * for every record, and a keyed loop made the whole batch 10% slower.
 */
export function addCounts(into: Counts, part: RecordCounts): void {
  into.recordsIn += part.recordsIn;
  into.ok += part.ok;
  into.dropped += part.dropped;
  into.processingFailed += part.processingFailed;
  into.eventsOut += part.eventsOut;
  into.unparsedLines += part.unparsedLines;
  into.bytesIn += part.bytesIn;
  into.bytesOut += part.bytesOut;
  into.failedOverResponseLimit += part.failedOverResponseLimit;
  into.failedOutOfTime += part.failedOutOfTime;
  into.compressed += part.compressed;
  into.eventsIn += part.eventsIn;
  into.eventsDropped += part.eventsDropped;
  into.eventsSampledOut += part.eventsSampledOut;
  into.eventsRedacted += part.eventsRedacted;
  if (part.eventsByFormat) addTally(into.eventsByFormat, part.eventsByFormat);
  if (part.reasons) addTally(into.reasons, part.reasons);
  if (part.droppedBy) addTally(into.droppedBy, part.droppedBy);
  if (part.sampledOutBy) addTally(into.sampledOutBy, part.sampledOutBy);
  if (part.redactedBy) addTally(into.redactedBy, part.redactedBy);
}

function addTally(into: Tally, part: Tally): void {
  for (const name in part) count(into, name, part[name] as number);
}
