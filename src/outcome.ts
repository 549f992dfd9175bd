/**
 * What a record comes back as (docs/contracts.md §3): Ok with its event lines, gzip-compressed when
 * they would not fit a record; Dropped; or ProcessingFailed with the original data. One place for
 * every result a record can have, and for what it counts for.
 */
import type {
  FirehoseTransformationEventRecord,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { zlib } from './builtins';
import type { OnParseError } from './config';
import { type RecordCounts, recordCounts, type Tally } from './counts';
import { asBase64, TOO_LARGE_TO_INFLATE } from './decode';
import { textAsBase64 } from './encode';

/** A transformed record must stay under this many bytes to reach the HTTP endpoint (docs/contracts.md §4). */
export const MAX_OUTPUT_RECORD_BYTES = 1_024_000;

/**
 * The most event text one record may make, in characters: four times the most a gzip record
 * inflates to (decode.ts). Lines of real access logs make at most about twice their size; a
 * record of millions of tiny lines, each a raw event of some 170 bytes, would otherwise fill the
 * function's memory before anything measured it. Its lines stop being read there and the record
 * fails (kept for S3), as one past MAX_OUTPUT_RECORD_BYTES even compressed would.
 */
export const MAX_RECORD_EVENT_TEXT = 16 * 1024 * 1024;

/**
 * The reasons a record fails for the size of its events alone, not for what they say: a replay
 * (tools/replay/) sends such a record's events in parts instead.
 */
export const TOO_LARGE_REASONS: readonly string[] = [
  `events past ${MAX_RECORD_EVENT_TEXT} characters`,
  `transformed record over ${MAX_OUTPUT_RECORD_BYTES} bytes, even gzip-compressed`,
  TOO_LARGE_TO_INFLATE,
];

/** Whether a record's events have reached MAX_RECORD_EVENT_TEXT: its lines stop being read. */
export const eventsFull = (events: RecordEvents) => events.text.length > MAX_RECORD_EVENT_TEXT;

/** Firehose makes `data` optional in its types, but every result record needs it, Dropped too (§3). */
export type ResultRecord = FirehoseTransformationResultRecord & { data: string };

/** One record's result and what it counts for, added to the batch only if the result is returned. */
export interface RecordOutcome {
  readonly result: ResultRecord;
  readonly counts: RecordCounts;
}

/** One record's events as they are read, and what they count for. */
export interface RecordEvents {
  /** The event lines so far, each followed by `\n` (encode.ts). */
  text: string;
  /** How many lines `text` holds. */
  lines: number;
  readonly counts: RecordCounts;
  readonly byFormat: Tally;
  unparsed: number;
  /** The last execution-log event's time (ms), and how many before it shared it (object-path.ts). */
  executionMs: number;
  executionSeq: number;
}

export const recordEvents = (): RecordEvents => ({
  text: '',
  lines: 0,
  counts: recordCounts(),
  byFormat: {},
  unparsed: 0,
  executionMs: -1,
  executionSeq: 0,
});

/** ProcessingFailed keeps the original data: Firehose writes it to S3 for a later replay (§3). */
export function failed(
  record: FirehoseTransformationEventRecord,
  reason: string,
  unparsedLines = 0,
): RecordOutcome {
  const counts = recordCounts();
  counts.processingFailed = 1;
  counts.reasons = { [reason]: 1 };
  counts.unparsedLines = unparsedLines;
  // Response data must be base64 even when the record's was not (§3).
  const data = asBase64(record.data);
  return { result: { recordId: record.recordId, result: 'ProcessingFailed', data }, counts };
}

/** Dropped records need data too (§3); an empty one keeps the response small. */
export function dropped(
  record: FirehoseTransformationEventRecord,
  reason: string,
  counts = recordCounts(),
): RecordOutcome {
  counts.dropped = 1;
  counts.reasons = { [reason]: 1 };
  return { result: { recordId: record.recordId, result: 'Dropped', data: '' }, counts };
}

/**
 * Event lines gzip-compressed. OpenObserve gunzips a Firehose record whose bytes are gzip before
 * it reads its lines (§5.1), so a CloudWatch Logs record whose thousands of events would pass the
 * 1,024,000-byte record limit, or the 6 MB response, still arrives whole. The fastest level
 * first; the smallest only when that is still too large.
 */
export function compress(lines: Buffer): Buffer {
  const { gzipSync } = zlib();
  const fast = gzipSync(lines, { level: 1 });
  return fast.length <= MAX_OUTPUT_RECORD_BYTES ? fast : gzipSync(lines, { level: 9 });
}

/** An Ok outcome with its event lines gzip-compressed. */
export function compressed(outcome: RecordOutcome): RecordOutcome {
  const data = compress(Buffer.from(outcome.result.data, 'base64'));
  return {
    result: { ...outcome.result, data: data.toString('base64') },
    counts: { ...outcome.counts, bytesOut: data.length, compressed: 1 },
  };
}

/**
 * The outcome of a record whose lines were all read: Ok, Dropped or ProcessingFailed. `withRules`:
 * the rules counted the events that came in; without them every line read is one.
 */
export function outcomeOf(
  record: FirehoseTransformationEventRecord,
  events: RecordEvents,
  onParseError: OnParseError,
  withRules: boolean,
): RecordOutcome {
  const { lines, unparsed, counts } = events;
  counts.unparsedLines = unparsed;
  if (!withRules) counts.eventsIn = lines;
  if (unparsed > 0 && onParseError === 'fail') {
    return failed(record, 'unparsed line (ON_PARSE_ERROR=fail)', unparsed);
  }
  if (eventsFull(events)) {
    return failed(record, TOO_LARGE_REASONS[0] as string, unparsed);
  }
  if (lines === 0) {
    const removed = counts.eventsDropped + counts.eventsSampledOut;
    const reason =
      removed > 0
        ? 'every event dropped or sampled out by rules'
        : 'unparsed line (ON_PARSE_ERROR=drop)';
    return dropped(record, reason, counts);
  }
  counts.ok = 1;
  counts.eventsOut = lines;
  counts.eventsByFormat = events.byFormat;
  const { text } = events;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_OUTPUT_RECORD_BYTES) {
    counts.bytesOut = bytes;
    const data = textAsBase64(text, bytes);
    return { result: { recordId: record.recordId, result: 'Ok', data }, counts };
  }
  // Compressed from the text itself: no base64 of bytes that are not sent.
  const smaller = compress(Buffer.from(text));
  if (smaller.length > MAX_OUTPUT_RECORD_BYTES) {
    return failed(record, TOO_LARGE_REASONS[1] as string, unparsed);
  }
  counts.bytesOut = smaller.length;
  counts.compressed = 1;
  const data = smaller.toString('base64');
  return { result: { recordId: record.recordId, result: 'Ok', data }, counts };
}
