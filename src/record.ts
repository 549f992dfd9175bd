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
import type { Config } from './config';
import { count, type RecordCounts, recordCounts, type Tally } from './counts';
import { asBase64, type DecodedRecord, decodeRecord, type Inflated } from './decode';
import { encodeEvent, textAsBase64 } from './encode';
import { enrichEvent, type LineContext, type Origin } from './enrich';
import { executionEvent, executionLogGroup, readExecutionRecord } from './execution';
import type { Fields } from './fields';
import { compileConfigured, createLineReader, type LineReader } from './parse';
import { applyRules, hasRules } from './rules';
import { MAX_EVENT_TIME_MS } from './time';
import { createEventWriter } from './write';

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
  /** The account and region of the batch, read once per invocation. */
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

type DecodedLines = Extract<DecodedRecord, { kind: 'lines' }>;

/** One record's events as they are read, and what they count for. */
interface RecordEvents {
  /** The event lines so far, each followed by `\n` (encode.ts). */
  text: string;
  /** How many lines `text` holds. */
  lines: number;
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
      into.text += `${encodeEvent(fields, 1)}\n`;
      into.lines++;
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
    into.text += `${encodeEvent(fields, verdict.sampleRate)}\n`;
    into.lines++;
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
  if (!withRules) counts.eventsIn = lines;
  if (unparsed > 0 && config.onParseError === 'fail') {
    return failed(record, 'unparsed line (ON_PARSE_ERROR=fail)', unparsed);
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
    const reason = `transformed record over ${MAX_OUTPUT_RECORD_BYTES} bytes, even gzip-compressed`;
    return failed(record, reason, unparsed);
  }
  counts.bytesOut = smaller.length;
  counts.compressed = 1;
  const data = smaller.toString('base64');
  return { result: { recordId: record.recordId, result: 'Ok', data }, counts };
}

/**
 * The lines the writer does not cover, through the fields object: execution-log lines (a stage's
 * log group, a log delivery's records, bare), then the formats' reading.
 */
function createObjectPath(
  config: Config,
  readLine: LineReader,
  { keepEvent, unparsedLine }: ReturnType<typeof createEventSteps>,
) {
  /** One line the writer does not cover: an execution-log line, else read by the formats. */
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

  /**
   * The lines of a stage's execution log group (`API-Gateway-Execution-Logs_{api}/{stage}`): each
   * `(<request id>) <message>`, with the group's API and stage (docs/contracts.md §8).
   */
  const readExecutionGroup = (
    events: RecordEvents,
    decoded: DecodedLines,
    source: { api_id: string; stage: string },
    base: { arrivalMs: number; origin?: Origin },
  ) => {
    const { lines, timesMs, envelope } = decoded;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], base.arrivalMs) : base.arrivalMs;
      const context: LineContext = { fallbackTimeMs, envelope, origin: base.origin };
      const fields = executionEvent(line, source);
      if (fields) keepEvent(events, enrichEvent(fields, 'execution', context, config), 'execution');
      else
        unparsedLine(events, line, 'not an execution-log line: (<request id>) <message>', context);
    }
  };
  return { readOther, readExecutionGroup };
}

/** One record through decode → read → enrich → rules → encode. Never throws for content. */
export function createRecordTransform(config: Config): RecordTransform {
  if (config.sourceIpHashKeySecretArn) {
    // Hashing with an empty key would let anyone re-identify addresses (src/secrets.ts reads it).
    throw new Error(`the hash key in ${config.sourceIpHashKeySecretArn} has not been read`);
  }
  const configured = compileConfigured(config.logFormat);
  const readLine: LineReader = createLineReader(config.logFormat, configured);
  const steps = createEventSteps(config);
  const { withRules, unparsedLine } = steps;
  // Rules need each event's fields: with any set, every line takes the object path.
  const writeEvent = withRules ? undefined : createEventWriter(configured, config);
  const written = configured.name;

  const { readOther, readExecutionGroup } = createObjectPath(config, readLine, steps);

  /** A record's lines, each through the writer when it covers the line, else the object path. */
  const readLines = (
    events: RecordEvents,
    decoded: DecodedLines,
    arrivalMs: number,
    origin: Origin | undefined,
  ) => {
    const { lines, timesMs, envelope } = decoded;
    const group = envelope && executionLogGroup(envelope.log_group);
    if (group) return readExecutionGroup(events, decoded, group, { arrivalMs, origin });
    // Plain records share one context, made for the first line that needs it; CloudWatch lines
    // each carry their own time.
    let recordContext: LineContext | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], arrivalMs) : arrivalMs;
      const event = writeEvent?.(line, fallbackTimeMs, envelope, origin);
      if (event !== undefined) {
        events.text += event;
        events.lines++;
        count(events.byFormat, written);
        continue;
      }
      if (!timesMs) recordContext ??= { fallbackTimeMs: arrivalMs, envelope, origin };
      readOther(events, line, recordContext ?? { fallbackTimeMs, envelope, origin });
    }
  };

  const transformRecord: RecordTransform = (record, inflated, origin) => {
    const arrivalMs = Number.isFinite(record.approximateArrivalTimestamp)
      ? record.approximateArrivalTimestamp
      : Date.now();
    const decoded = decodeRecord(record.data, inflated);
    const events: RecordEvents = {
      text: '',
      lines: 0,
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

  const transformAny: RecordTransform = (record, inflated, origin) => {
    if (typeof record.data !== 'string') return failed(record, 'record without data');
    try {
      return transformRecord(record, inflated, origin);
    } catch (error) {
      // A defect must not fail the batch: the record is kept for S3 and the reason is logged.
      return failed(record, `unexpected error: ${(error as Error).message}`);
    }
  };
  return transformAny;
}
