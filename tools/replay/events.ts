/**
 * What a replay does with one unit's event lines: each one is sent, restamped, or kept in the
 * failed file with why (too large for a record, not an event, outside OpenObserve's ingest window).
 */

import { gzipSync } from 'node:zlib';
import {
  compress,
  encodeEvent,
  gunzippedText,
  MAX_OUTPUT_RECORD_BYTES,
  splitEventLines,
} from '../../src/surface';
import type { Source } from './sources';
import { MAX_INFLATED_BYTES } from './sources';

/** OpenObserve drops events older than this by default (ZO_INGEST_ALLOWED_UPTO, in hours, §5). */
export const DEFAULT_INGEST_WINDOW_HOURS = 5;
/** …and events more than this far in the future (docs/contracts.md §5). */
const FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000;

/**
 * What to do with events outside OpenObserve's ingest window, which it drops with a 200 answer:
 * `skip` keeps them in the failed file and ends with a non-zero status; `send` is for a server
 * whose window was raised; `restamp` sends them with `_timestamp` set to the time of sending, a
 * microsecond later for each event after the first, so that they keep the order they are read in
 * (a request's execution-log lines share a millisecond), and the original in `original_timestamp`.
 */
export type OldEvents = 'skip' | 'send' | 'restamp';
export const OLD_EVENTS: readonly OldEvents[] = ['skip', 'send', 'restamp'];

/** What a record that cannot be sent is kept as: why, where it was, and the record if it fits. */
export function failedEntry(
  errorCode: string,
  errorMessage: string,
  source: Source,
  line: number,
  rawData?: string,
  /** When Firehose took the record: a replay of the entry dates its unread lines by it. */
  arrivalTimestamp?: number,
): string {
  return JSON.stringify({
    errorCode,
    errorMessage,
    source: source.name,
    line,
    rawData,
    arrivalTimestamp,
  });
}

/** The processor's output for one record: gzip when its events would not fit a record (§5). */
export function outputLines(data: string): string[] {
  const bytes = Buffer.from(data, 'base64');
  return splitEventLines(gunzippedText(bytes, MAX_INFLATED_BYTES));
}

/**
 * A CloudWatch Logs record (base64 of its gzip envelope) as two records of half its log events
 * each; undefined for any other record, and for one of a single event.
 */
export function envelopeHalves(data: string): [string, string] | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(gunzippedText(Buffer.from(data, 'base64'), MAX_INFLATED_BYTES));
  } catch {
    return undefined;
  }
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const { logEvents } = envelope as { logEvents?: unknown };
  if (!Array.isArray(logEvents) || logEvents.length < 2) return undefined;
  const middle = Math.ceil(logEvents.length / 2);
  const half = (events: unknown[]) =>
    gzipSync(JSON.stringify({ ...envelope, logEvents: events })).toString('base64');
  return [half(logEvents.slice(0, middle)), half(logEvents.slice(middle))];
}

/** Minutes allowed for this machine's clock being behind the server's. */
const CLOCK_MINUTES = 5;

/**
 * How long before the window's edge an event already counts as outside it: the window is checked
 * when an event is read, OpenObserve checks it when the batch arrives, as late as its last attempt
 * (each attempt up to the time-out, the waits between them up to the longest backoff), and this
 * machine's clock may be behind the server's. With the defaults (8 attempts of 180 s, waits up to
 * 30 s): 33 minutes.
 */
export function windowMarginMinutes(delivery: {
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly maxDelayMs: number;
}): number {
  const { maxAttempts, timeoutMs, maxDelayMs } = delivery;
  const lastAttemptMs = maxAttempts * timeoutMs + (maxAttempts - 1) * maxDelayMs;
  return Math.ceil(lastAttemptMs / 60_000) + CLOCK_MINUTES;
}

/**
 * Why OpenObserve would drop an event with this `_timestamp` (µs), or '' when it keeps it (§5);
 * `marginMinutes` before the edge counts as outside (windowMarginMinutes).
 */
export function outsideWindow(
  timestamp: unknown,
  nowMs: number,
  windowHours: number,
  marginMinutes: number,
): string {
  if (typeof timestamp !== 'number') return '';
  const ms = timestamp / 1000;
  const when = new Date(ms).toISOString();
  if (ms < nowMs - windowHours * 3_600_000 + marginMinutes * 60_000) {
    return `event time ${when} is older than the ${windowHours}-hour ingest window, or within ${marginMinutes} minutes of its edge (the time its batch's attempts may take)`;
  }
  if (ms > nowMs + FUTURE_LIMIT_MS) return `event time ${when} is more than 24 hours ahead`;
  return '';
}

/** An event line as an object, or why it is not one. */
function parseEvent(event: string): Record<string, unknown> | Error {
  try {
    const value: unknown = JSON.parse(event);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return new Error('not a JSON object');
    }
    return value as Record<string, unknown>;
  } catch (error) {
    return error as Error;
  }
}

/**
 * What becomes of one event: sent (with its log format), or kept in the failed file; `outside`
 * for an event outside the ingest window, what --old-events did with it.
 */
export type Sorted =
  | {
      readonly send: string;
      readonly format: string;
      readonly outside?: 'restamped' | 'sent';
      /** The event as a gzip record: too large for Firehose's record limit as text. */
      readonly gzip?: Buffer;
    }
  | { readonly kept: string; readonly outside?: 'skipped' };

export interface SortOptions {
  readonly source: Source;
  readonly line: number;
  readonly nowMs: number;
  readonly ingestWindowHours: number;
  /** Minutes before the window's edge that count as outside (windowMarginMinutes). */
  readonly windowMarginMinutes: number;
  readonly oldEvents: OldEvents;
  /** With `restamp`: the next `_timestamp` (µs), later than every one given before. */
  readonly restampUs: () => number;
}

/** One event outside the window, by --old-events. */
function sortOld(
  event: string,
  parsed: Record<string, unknown>,
  why: string,
  options: SortOptions,
): Sorted {
  const format = String(parsed.log_format ?? 'unknown');
  if (options.oldEvents === 'skip') {
    return {
      outside: 'skipped',
      kept: failedEntry(
        'Replay.OutsideIngestWindow',
        `${why}; OpenObserve would drop it with a 200 answer. Rerun with --old-events restamp, or --old-events send once ZO_INGEST_ALLOWED_UPTO covers it`,
        options.source,
        options.line,
        Buffer.from(event).toString('base64'),
      ),
    };
  }
  if (options.oldEvents === 'restamp') {
    const restamped = {
      ...parsed,
      _timestamp: options.restampUs(),
      original_timestamp: parsed._timestamp,
    };
    return { send: encodeEvent(restamped), format, outside: 'restamped' };
  }
  return { send: event, format, outside: 'sent' };
}

/**
 * One event of a unit sorted into sent or kept, with nothing written yet: the batch before may
 * have to be sent and checkpointed first.
 */
export function sortEvent(event: string, options: SortOptions): Sorted {
  const keep = (code: string, message: string): Sorted => ({
    kept: failedEntry(
      code,
      message,
      options.source,
      options.line,
      Buffer.from(event).toString('base64'),
    ),
  });
  const parsed = parseEvent(event);
  if (parsed instanceof Error) {
    // OpenObserve fails a whole request for one line that is not JSON (§5).
    return keep(
      'Replay.NotAnEvent',
      `starts as an event ({ and a tab) but is not one: ${parsed.message}`,
    );
  }
  const why = outsideWindow(
    parsed._timestamp,
    options.nowMs,
    options.ingestWindowHours,
    options.windowMarginMinutes,
  );
  const sorted = why
    ? sortOld(event, parsed, why, options)
    : { send: event, format: String(parsed.log_format ?? 'unknown') };
  if (!('send' in sorted) || Buffer.byteLength(sorted.send) < MAX_OUTPUT_RECORD_BYTES) {
    return sorted;
  }
  // Too large for a record as text: gzip-compressed as the processor compresses such a record,
  // which OpenObserve inflates (§5).
  const gzip = compress(Buffer.from(`${sorted.send}\n`));
  if (gzip.length <= MAX_OUTPUT_RECORD_BYTES) return { ...sorted, gzip };
  return keep(
    'Replay.EventTooLarge',
    `an event over Firehose's ${MAX_OUTPUT_RECORD_BYTES}-byte record limit even gzip-compressed`,
  );
}
