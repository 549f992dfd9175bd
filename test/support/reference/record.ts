/**
 * The processor's object path as it was before src/write.ts: src/record.ts, kept unchanged as the reference
 * that test/src/write.property.test.ts compares the processor's events with.
 */
/**
 * One Firehose record through decode → read → enrich → rules → encode, to its result: Ok with the
 * event lines (gzip-compressed when they would not fit a record), Dropped, or ProcessingFailed
 * with the original data. Never throws for a record's content.
 */
import { gzipSync } from 'node:zlib';
import type {
  FirehoseTransformationEventRecord,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import type { Config } from '../../../src/config';
import { count, type RecordCounts, recordCounts, type Tally } from '../../../src/counts';
import type { Origin } from '../../../src/enrich';
import { executionEvent, executionLogGroup, readExecutionRecord } from '../../../src/execution';
import type { Fields } from '../../../src/fields';
import { applyRules, hasRules } from '../../../src/rules';
import { MAX_EVENT_TIME_MS } from '../../../src/time';
import { asBase64, type DecodedRecord, decodeRecord, type Inflated } from './decode';
import { encodeEvent, enrichEvent, joinEventLines, type LineContext } from './event';
import { createLineReader, type LineReader } from './parse';

/** A transformed record must stay under this many bytes to reach the HTTP endpoint (docs/contracts.md §4). */
export const MAX_OUTPUT_RECORD_BYTES = 1_024_000;

/** Firehose makes `data` optional in its types, but every result record needs it, Dropped too (§3). */
export type ResultRecord = FirehoseTransformationResultRecord & { data: string };

/** One record's result and what it counts for, added to the batch only if the result is returned. */
export interface RecordOutcome {
  readonly result: ResultRecord;
  readonly counts: RecordCounts;
}

export type RecordTransform = (
  record: FirehoseTransformationEventRecord,
  inflated: Inflated | undefined,
  origin?: Origin,
) => RecordOutcome;

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
function dropped(
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
function compress(lines: Buffer): Buffer {
  const fast = gzipSync(lines, { level: 1 });
  return fast.length <= MAX_OUTPUT_RECORD_BYTES ? fast : gzipSync(lines, { level: 9 });
}

/** An Ok outcome with its event lines gzip-compressed. */
export function compressed(outcome: RecordOutcome): RecordOutcome {
  const data = compress(Buffer.from(outcome.result.data, 'base64'));
  outcome.counts.bytesOut = data.length;
  outcome.counts.compressed = 1;
  return { result: { ...outcome.result, data: data.toString('base64') }, counts: outcome.counts };
}

/** A CloudWatch event time that `_timestamp` (µs) can hold exactly; else Firehose's arrival. */
function lineTime(time: number | undefined, fallback: number): number {
  return time !== undefined && time >= 0 && time <= MAX_EVENT_TIME_MS ? time : fallback;
}

/** One record's events as they are read, and what they count for. */
interface RecordEvents {
  readonly lines: string[];
  readonly counts: RecordCounts;
  readonly byFormat: Tally;
  unparsed: number;
}

/**
 * The per-line steps of one configuration: an enriched event through DROP_EVENTS, SAMPLE, REDACT
 * and DROP_FIELDS, then encoded; a line not read, or read more than one way, kept whole as
 * `message` with what is sure (ON_PARSE_ERROR=keep).
 */
function createEventSteps(config: Config) {
  const withRules = hasRules(config.rules);
  const keepEvent = (into: RecordEvents, fields: Fields, format: string) => {
    if (!withRules) {
      into.lines.push(encodeEvent(fields, 1));
      count(into.byFormat, format);
      return;
    }
    const counts = into.counts;
    counts.eventsIn++;
    const verdict = applyRules(fields, config.rules);
    if (!verdict.kept) {
      if (verdict.droppedBy !== undefined) {
        counts.eventsDropped++;
        count(tallyOf(counts, 'droppedBy'), verdict.droppedBy);
      } else {
        counts.eventsSampledOut++;
        count(tallyOf(counts, 'sampledOutBy'), verdict.sampledOutBy ?? '');
      }
      return;
    }
    if (verdict.redactedBy.length > 0) {
      counts.eventsRedacted++;
      for (const name of verdict.redactedBy) count(tallyOf(counts, 'redactedBy'), name);
    }
    into.lines.push(encodeEvent(fields, verdict.sampleRate));
    count(into.byFormat, format);
  };
  const unparsedLine = (
    into: RecordEvents,
    message: string,
    parseError: string,
    context: LineContext,
    agreed?: Fields,
  ) => {
    into.unparsed++;
    if (config.onParseError !== 'keep') return;
    const fields = agreed
      ? { ...agreed, message, parse_error: parseError }
      : { message, parse_error: parseError };
    keepEvent(into, enrichEvent(fields, 'raw', context, config), 'raw');
  };
  return { withRules, keepEvent, unparsedLine };
}

/** A tally of a record's counts, made when first needed. */
function tallyOf(counts: RecordCounts, key: 'droppedBy' | 'sampledOutBy' | 'redactedBy'): Tally {
  let tally = counts[key];
  if (!tally) {
    tally = {};
    counts[key] = tally;
  }
  return tally;
}

/** The outcome of a record whose lines were all read: Ok, Dropped or ProcessingFailed. */
function outcomeOf(
  record: FirehoseTransformationEventRecord,
  events: RecordEvents,
  config: Config,
  withRules: boolean,
): RecordOutcome {
  const { lines, unparsed, counts } = events;
  counts.unparsedLines = unparsed;
  if (!withRules) counts.eventsIn = lines.length;
  if (unparsed > 0 && config.onParseError === 'fail') {
    return failed(record, 'unparsed line (ON_PARSE_ERROR=fail)', unparsed);
  }
  if (lines.length === 0) {
    const removed = counts.eventsDropped + counts.eventsSampledOut;
    const reason =
      removed > 0
        ? 'every event dropped or sampled out by rules'
        : 'unparsed line (ON_PARSE_ERROR=drop)';
    return dropped(record, reason, counts);
  }
  const bytes = Buffer.from(joinEventLines(lines));
  counts.ok = 1;
  counts.eventsOut = lines.length;
  counts.bytesOut = bytes.length;
  counts.eventsByFormat = events.byFormat;
  const outcome: RecordOutcome = {
    result: { recordId: record.recordId, result: 'Ok', data: bytes.toString('base64') },
    counts,
  };
  if (bytes.length <= MAX_OUTPUT_RECORD_BYTES) return outcome;
  const smaller = compressed(outcome);
  if (smaller.counts.bytesOut > MAX_OUTPUT_RECORD_BYTES) {
    const reason = `transformed record over ${MAX_OUTPUT_RECORD_BYTES} bytes, even gzip-compressed`;
    return failed(record, reason, unparsed);
  }
  return smaller;
}

/** One record through decode → read → enrich → rules → encode. Never throws for content. */
export function createRecordTransform(config: Config): RecordTransform {
  if (config.sourceIpHashKeySecretArn) {
    // Hashing with an empty key would let anyone re-identify addresses (src/secrets.ts reads it).
    throw new Error(`the hash key in ${config.sourceIpHashKeySecretArn} has not been read`);
  }
  const readLine: LineReader = createLineReader(config.logFormat);
  const { withRules, keepEvent, unparsedLine } = createEventSteps(config);

  /** An execution-log line the object path reads, else the formats' reading (src/record.ts). */
  const readOther = (events: RecordEvents, line: string, context: LineContext) => {
    const execution = readExecutionRecord(line);
    if (execution) {
      const timed =
        execution.timeMs === undefined
          ? context
          : { ...context, fallbackTimeMs: lineTime(execution.timeMs, context.fallbackTimeMs) };
      keepEvent(events, enrichEvent(execution.fields, 'execution', timed, config), 'execution');
      return;
    }
    const read = readLine(line);
    if (read.ok) {
      keepEvent(events, enrichEvent(read.fields, read.format, context, config), read.format);
    } else {
      unparsedLine(events, line, read.reason, context, read.agreed);
    }
  };

  const readLines = (
    events: RecordEvents,
    decoded: Extract<DecodedRecord, { kind: 'lines' }>,
    arrivalMs: number,
    origin: Origin | undefined,
  ) => {
    const { lines, timesMs, envelope } = decoded;
    const group = envelope && executionLogGroup(envelope.log_group);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], arrivalMs) : arrivalMs;
      const context: LineContext = { fallbackTimeMs, envelope, origin };
      if (!group) {
        readOther(events, line, context);
        continue;
      }
      const fields = executionEvent(line, group);
      if (fields) keepEvent(events, enrichEvent(fields, 'execution', context, config), 'execution');
      else
        unparsedLine(events, line, 'not an execution-log line: (<request id>) <message>', context);
    }
  };

  const transformRecord: RecordTransform = (record, inflated, origin) => {
    const arrivalMs = Number.isFinite(record.approximateArrivalTimestamp)
      ? record.approximateArrivalTimestamp
      : Date.now();
    const decoded = decodeRecord(record.data, inflated);
    const events: RecordEvents = {
      lines: [],
      counts: recordCounts(),
      byFormat: {},
      unparsed: 0,
    };
    switch (decoded.kind) {
      case 'nothing':
        return dropped(record, decoded.reason);
      case 'too_large':
        return failed(record, decoded.reason);
      case 'unreadable':
        unparsedLine(events, decoded.message, decoded.reason, {
          fallbackTimeMs: arrivalMs,
          origin,
        });
        break;
      case 'lines':
        readLines(events, decoded, arrivalMs, origin);
    }
    return outcomeOf(record, events, config, withRules);
  };

  return (record, inflated, origin) => {
    if (typeof record.data !== 'string') return failed(record, 'record without data');
    try {
      return transformRecord(record, inflated, origin);
    } catch (error) {
      // A defect must not fail the batch: the record is kept for S3 and the reason is logged.
      return failed(record, `unexpected error: ${(error as Error).message}`);
    }
  };
}
