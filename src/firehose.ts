import { gzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { type Config, ConfigError, readConfig } from './config';
import { asBase64, decodeRecord, type Inflated, inflateRecord, mayBeGzip } from './decode';
import { encodeEvent, joinEventLines } from './encode';
import { enrichEvent, type LineContext } from './enrich';
import type { Fields } from './fields';
import { applyKeepRules, compileUserPatterns, hasKeepRules } from './keep';
import { createLineReader, type LineReader } from './parse';
import { type SecretReader, withSecrets } from './secrets';
import { MAX_EVENT_TIME_MS } from './time';

/**
 * Lambda's synchronous response limit is 6 MB (docs/contracts.md §3). The response is kept under this
 * bound, which leaves room for the JSON around the records whatever "MB" means there.
 */
export const RESPONSE_LIMIT_BYTES = 6_000_000 - 64 * 1024;

/** A transformed record must stay under this many bytes to reach the HTTP endpoint (§4). */
export const MAX_OUTPUT_RECORD_BYTES = 1_024_000;

/** What one invocation did: logged as one line and published as metrics. */
export interface BatchSummary {
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
  eventsByFormat: Record<string, number>;
  /** Why records were Dropped or ProcessingFailed, by reason. */
  reasons: Record<string, number>;
  /** Events read (parsed, or kept raw) before DROP_EVENTS and SAMPLE: out + dropped + sampled out. */
  eventsIn: number;
  eventsDropped: number;
  eventsSampledOut: number;
  /** Events REDACT changed. */
  eventsRedacted: number;
  /** The same three, by rule (DROP_EVENTS, SAMPLE) or class (REDACT). */
  droppedBy: Record<string, number>;
  sampledOutBy: Record<string, number>;
  redactedBy: Record<string, number>;
}

export interface BatchOutcome {
  readonly response: FirehoseTransformationResult;
  readonly summary: BatchSummary;
}

function emptySummary(): BatchSummary {
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
    eventsByFormat: {},
    reasons: {},
    eventsIn: 0,
    eventsDropped: 0,
    eventsSampledOut: 0,
    eventsRedacted: 0,
    droppedBy: {},
    sampledOutBy: {},
    redactedBy: {},
  };
}

/** What the keep rules did to one record's events. */
interface RuleTally {
  in: number;
  dropped: number;
  sampledOut: number;
  redacted: number;
  droppedBy: Record<string, number>;
  sampledOutBy: Record<string, number>;
  redactedBy: Record<string, number>;
}

const emptyTally = (): RuleTally => ({
  in: 0,
  dropped: 0,
  sampledOut: 0,
  redacted: 0,
  droppedBy: {},
  sampledOutBy: {},
  redactedBy: {},
});

/** Bytes a base64 text decodes to, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** Bytes a result record adds to the response JSON besides its result and data. */
function entryOverhead(recordId: string): number {
  // {"recordId":…,"result":"…","data":"…"}, plus a comma
  return JSON.stringify(recordId).length + 36;
}

/** Firehose makes `data` optional in its types, but every result record needs it, Dropped too (§3). */
type ResultRecord = FirehoseTransformationResultRecord & { data: string };

/** One record's result and what it counts for, committed only if the result is returned. */
interface RecordOutcome {
  result: ResultRecord;
  /** Why the record was Dropped or ProcessingFailed. */
  reason?: string;
  events: number;
  unparsedLines: number;
  bytesOut: number;
  formats?: Record<string, number>;
  rules?: RuleTally;
  /** Ok with its event lines gzip-compressed. */
  compressed?: boolean;
}

function count(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function commit(summary: BatchSummary, outcome: RecordOutcome): void {
  const { result, reason } = outcome;
  if (result.result === 'Ok') summary.ok++;
  else if (result.result === 'Dropped') summary.dropped++;
  else summary.processingFailed++;
  if (reason) count(summary.reasons, reason);
  summary.eventsOut += outcome.events;
  summary.unparsedLines += outcome.unparsedLines;
  summary.bytesOut += outcome.bytesOut;
  if (outcome.compressed) summary.compressed++;
  const formats = outcome.formats;
  for (const format in formats) count(summary.eventsByFormat, format, formats[format]);
  const rules = outcome.rules;
  if (!rules) {
    // No keep rules: every event read went out.
    summary.eventsIn += outcome.events;
  } else {
    summary.eventsIn += rules.in;
    summary.eventsDropped += rules.dropped;
    summary.eventsSampledOut += rules.sampledOut;
    summary.eventsRedacted += rules.redacted;
    for (const rule in rules.droppedBy) count(summary.droppedBy, rule, rules.droppedBy[rule]);
    for (const rule in rules.sampledOutBy) {
      count(summary.sampledOutBy, rule, rules.sampledOutBy[rule]);
    }
    for (const name in rules.redactedBy) count(summary.redactedBy, name, rules.redactedBy[name]);
  }
}

/**
 * A batch through the pipeline, synchronously. `inflated[i]` is what inflateRecord made of record
 * i, when it ran; without it gzip records are inflated on the spot.
 */
export type Processor = (
  event: FirehoseTransformationEvent,
  inflated?: readonly (Inflated | undefined)[],
) => BatchOutcome;

/** ProcessingFailed keeps the original data: Firehose writes it to S3 for a later replay (§3). */
function failed(
  record: FirehoseTransformationEventRecord,
  reason: string,
  unparsedLines = 0,
): RecordOutcome {
  return {
    // Response data must be base64 even when the record's was not (§3).
    result: { recordId: record.recordId, result: 'ProcessingFailed', data: asBase64(record.data) },
    reason,
    events: 0,
    unparsedLines,
    bytesOut: 0,
  };
}

/** Dropped records need data too (§3); an empty one keeps the response small. */
function dropped(
  record: FirehoseTransformationEventRecord,
  reason: string,
  unparsedLines = 0,
): RecordOutcome {
  return {
    result: { recordId: record.recordId, result: 'Dropped', data: '' },
    reason,
    events: 0,
    unparsedLines,
    bytesOut: 0,
  };
}

/**
 * Event lines gzip-compressed. OpenObserve gunzips a Firehose record whose bytes are gzip before
 * it reads its lines (§5), so a CloudWatch Logs record whose thousands of events would pass the
 * 1,024,000-byte record limit, or the 6 MB response, still arrives whole. The fastest level
 * first; the smallest only when that is still too large.
 */
function compress(lines: Buffer): Buffer {
  const fast = gzipSync(lines, { level: 1 });
  return fast.length <= MAX_OUTPUT_RECORD_BYTES ? fast : gzipSync(lines, { level: 9 });
}

function withData(outcome: RecordOutcome, data: Buffer, compressed: boolean): RecordOutcome {
  return {
    ...outcome,
    result: { ...outcome.result, data: data.toString('base64') },
    bytesOut: data.length,
    compressed,
  };
}

/** Event bytes below which a record is not compressed to fit the response. */
const MIN_COMPRESSED_BYTES = 16 * 1024;

/**
 * The response of one batch as it is built: each record's result once, in input order, kept under
 * RESPONSE_LIMIT_BYTES. Room is kept for the records not yet added at their original size: once
 * the response is full, each of them is still returned ProcessingFailed with its data.
 */
type RecordTransform = (
  record: FirehoseTransformationEventRecord,
  inflated: Inflated | undefined,
) => RecordOutcome;

function createResponse(
  records: readonly FirehoseTransformationEventRecord[],
  transform: RecordTransform,
) {
  const summary = emptySummary();
  summary.recordsIn = records.length;
  const results: ResultRecord[] = [];
  const overheads = records.map((record) => entryOverhead(String(record.recordId)));
  const dataOf = (record: FirehoseTransformationEventRecord) =>
    typeof record.data === 'string' ? record.data : '';
  let reserved = 0;
  records.forEach((record, i) => {
    reserved += (overheads[i] as number) + 'ProcessingFailed'.length + dataOf(record).length;
  });
  let used = 16; // {"records":[]}
  let full = false;

  const fits = (overhead: number, outcome: RecordOutcome) =>
    used + overhead + outcome.result.result.length + outcome.result.data.length + reserved <=
    RESPONSE_LIMIT_BYTES;

  return {
    // A method, not a getter: an object literal with an accessor cost CloudWatch batches 15%.
    isFull(): boolean {
      return full;
    },
    /** Adds record i, transformed only while the response has room. */
    add(i: number, inflated: Inflated | undefined): void {
      const record = records[i] as FirehoseTransformationEventRecord;
      const overhead = overheads[i] as number;
      const data = dataOf(record);
      reserved -= overhead + 'ProcessingFailed'.length + data.length;
      summary.bytesIn += base64Bytes(data);
      let outcome = full ? undefined : transform(record, inflated);
      if (outcome && !fits(overhead, outcome)) {
        // Compressed, the events of a CloudWatch record take about the room of the record itself;
        // a record of a few lines would gain too little to be worth a gzip stream.
        const plain =
          outcome.result.result === 'Ok' &&
          !outcome.compressed &&
          outcome.bytesOut >= MIN_COMPRESSED_BYTES;
        const smaller =
          plain && withData(outcome, compress(Buffer.from(outcome.result.data, 'base64')), true);
        outcome = smaller && fits(overhead, smaller) ? smaller : undefined;
        full = outcome === undefined;
      }
      if (!outcome) {
        summary.failedOverResponseLimit++;
        outcome = failed(record, 'response would pass the 6 MB limit');
      }
      commit(summary, outcome);
      used += overhead + outcome.result.result.length + outcome.result.data.length;
      results.push(outcome.result);
    },
    done(): BatchOutcome {
      return { response: { records: results }, summary };
    },
  };
}

function recordsOf(event: FirehoseTransformationEvent): FirehoseTransformationEventRecord[] {
  if (!event || !Array.isArray(event.records)) {
    throw new TypeError(
      'Not a Firehose data-transformation event: "records" must be an array of {recordId, data}',
    );
  }
  return event.records;
}

/** A CloudWatch event time that `_timestamp` (µs) can hold exactly; else Firehose's arrival. */
function lineTime(time: number | undefined, fallback: number): number | undefined {
  return time !== undefined && time >= 0 && time <= MAX_EVENT_TIME_MS ? time : fallback;
}

/** One record through decode → read → enrich → keep rules → encode. Never throws for content. */
function createRecordTransform(config: Config): RecordTransform {
  if (config.sourceIpHashKeySecretArn) {
    // Hashing with an empty key would let anyone re-identify addresses (src/secrets.ts reads it).
    throw new Error(`the hash key in ${config.sourceIpHashKeySecretArn} has not been read`);
  }
  const readLine: LineReader = createLineReader(config.logFormat);
  const withRules = hasKeepRules(config.keep);

  const transformRecord = (
    record: FirehoseTransformationEventRecord,
    inflated: Inflated | undefined,
  ): RecordOutcome => {
    const arrivalMs = Number.isFinite(record.approximateArrivalTimestamp)
      ? record.approximateArrivalTimestamp
      : Date.now();
    const decoded = decodeRecord(record.data, inflated);
    const events: string[] = [];
    const formats: Record<string, number> = {};
    // Allocated only when rules are set: this runs for every record.
    const rules = withRules ? emptyTally() : undefined;
    let unparsed = 0;

    /** An enriched event through DROP_EVENTS, SAMPLE, REDACT and DROP_FIELDS, then encoded. */
    const keepEvent = (fields: Fields, format: string) => {
      if (!rules) {
        events.push(encodeEvent(fields, 1));
        count(formats, format);
        return;
      }
      rules.in++;
      const verdict = applyKeepRules(fields, config.keep);
      if (!verdict.kept) {
        if (verdict.droppedBy !== undefined) {
          rules.dropped++;
          count(rules.droppedBy, verdict.droppedBy);
        } else {
          rules.sampledOut++;
          count(rules.sampledOutBy, verdict.sampledOutBy ?? '');
        }
        return;
      }
      if (verdict.redactedBy.length > 0) {
        rules.redacted++;
        for (const name of verdict.redactedBy) count(rules.redactedBy, name);
      }
      events.push(encodeEvent(fields, verdict.sampleRate));
      count(formats, format);
    };

    /** A line not read, or read more than one way: kept whole as `message`, with what is sure. */
    const unparsedLine = (
      message: string,
      parseError: string,
      context: LineContext,
      agreed?: Fields,
    ) => {
      unparsed++;
      if (config.onParseError !== 'keep') return;
      const fields = agreed
        ? { ...agreed, message, parse_error: parseError }
        : { message, parse_error: parseError };
      keepEvent(enrichEvent(fields, 'raw', context, config), 'raw');
    };

    switch (decoded.kind) {
      case 'nothing':
        return dropped(record, decoded.reason);
      case 'too_large':
        return failed(record, decoded.reason);
      case 'unreadable':
        unparsedLine(decoded.message, decoded.reason, { fallbackTimeMs: arrivalMs });
        break;
      case 'lines': {
        const { lines, timesMs, envelope } = decoded;
        // Plain records share one context; CloudWatch lines each carry their own time.
        const recordContext: LineContext = { fallbackTimeMs: arrivalMs, envelope };
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] as string;
          const context: LineContext = timesMs
            ? { fallbackTimeMs: lineTime(timesMs[i], arrivalMs) as number, envelope }
            : recordContext;
          const read = readLine(line);
          if (read.ok) {
            keepEvent(enrichEvent(read.fields, read.format, context, config), read.format);
          } else {
            unparsedLine(line, read.reason, context, read.agreed);
          }
        }
      }
    }

    if (unparsed > 0 && config.onParseError === 'fail') {
      return failed(record, 'unparsed line (ON_PARSE_ERROR=fail)', unparsed);
    }
    if (events.length === 0) {
      const removed = rules ? rules.dropped + rules.sampledOut : 0;
      const outcome = dropped(
        record,
        removed > 0
          ? 'every event dropped or sampled out by rules'
          : 'unparsed line (ON_PARSE_ERROR=drop)',
        unparsed,
      );
      return { ...outcome, rules };
    }
    const bytes = Buffer.from(joinEventLines(events));
    const outcome: RecordOutcome = {
      result: { recordId: record.recordId, result: 'Ok', data: '' },
      events: events.length,
      unparsedLines: unparsed,
      bytesOut: bytes.length,
      formats,
      rules,
    };
    if (bytes.length <= MAX_OUTPUT_RECORD_BYTES) {
      outcome.result.data = bytes.toString('base64');
      return outcome;
    }
    const smaller = compress(bytes);
    if (smaller.length > MAX_OUTPUT_RECORD_BYTES) {
      return failed(
        record,
        `transformed record over ${MAX_OUTPUT_RECORD_BYTES} bytes, even gzip-compressed`,
        unparsed,
      );
    }
    return withData(outcome, smaller, true);
  };

  return (record, inflated) => {
    if (typeof record.data !== 'string') return failed(record, 'record without data');
    try {
      return transformRecord(record, inflated);
    } catch (error) {
      // A defect must not fail the batch: the record is kept for S3 and the reason is logged.
      return failed(record, `unexpected error: ${(error as Error).message}`);
    }
  };
}

/**
 * The Firehose processor for one configuration: maps each record through decode → read → enrich →
 * encode and builds the response. Returns exactly the input recordIds, in input order, each with a
 * result and base64 data (§3). Never throws for record content.
 */
export function createProcessor(config: Config): Processor {
  const transform = createRecordTransform(config);
  return (event, inflated) => {
    const records = recordsOf(event);
    const response = createResponse(records, transform);
    for (let i = 0; i < records.length; i++) response.add(i, inflated?.[i]);
    return response.done();
  };
}

/** Gzip records inflated together: one wait for the thread pool per group, not per record. */
const INFLATE_GROUP = 8;

/**
 * The processor as the function runs it. Gzip records are inflated off the main thread (Node's
 * synchronous gunzip leaks on corrupt input, decode.ts), a group of INFLATE_GROUP at a time, the
 * next group while this one's records are transformed: memory holds at most two groups of
 * inflated records (each under the 4 MiB cap), whatever the batch, where inflating every record
 * of a batch at once took more than a gigabyte for 200 records in a function of 256 MB.
 */
export function createAsyncProcessor(
  config: Config,
): (event: FirehoseTransformationEvent) => Promise<BatchOutcome> {
  const transform = createRecordTransform(config);
  return async (event) => {
    const records = recordsOf(event);
    const response = createResponse(records, transform);
    const gzip: number[] = [];
    for (let i = 0; i < records.length; i++) if (mayBeGzip(records[i]?.data)) gzip.push(i);
    if (gzip.length === 0) {
      for (let i = 0; i < records.length; i++) response.add(i, undefined);
      return response.done();
    }
    const inflated: (Inflated | undefined)[] = [];
    const inflateGroup = (group: number): Promise<unknown> | undefined => {
      const indexes = gzip.slice(group * INFLATE_GROUP, (group + 1) * INFLATE_GROUP);
      if (indexes.length === 0 || response.isFull()) return undefined;
      return Promise.all(
        indexes.map((i) =>
          inflateRecord(records[i]?.data as string).then((result) => {
            inflated[i] = result;
          }),
        ),
      );
    };
    let next = 0;
    let group = 0;
    let current = inflateGroup(0);
    while (next < records.length) {
      await current;
      // This group's records, and the plain records up to the next group's first.
      const last = gzip[Math.min(gzip.length, (group + 1) * INFLATE_GROUP) - 1] as number;
      const end = group * INFLATE_GROUP + INFLATE_GROUP >= gzip.length ? records.length : last + 1;
      group++;
      current = inflateGroup(group);
      for (; next < end; next++) {
        response.add(next, inflated[next]);
        inflated[next] = undefined;
      }
    }
    await current; // a group started for records the full response no longer needed
    return response.done();
  };
}

type Env = Readonly<Record<string, string | undefined>>;
export type FirehoseHandler = (
  event: FirehoseTransformationEvent,
  context?: Context,
) => Promise<FirehoseTransformationResult>;

/**
 * The function's init: reads and checks every setting, and the secrets they name (src/secrets.ts),
 * then returns the Lambda handler. A bad setting or an unreadable secret rejects, naming it.
 */
export async function createHandler(env: Env, readSecret?: SecretReader): Promise<FirehoseHandler> {
  const config = await withSecrets(readConfig(env), readSecret);
  await compileUserPatterns(config.keep).catch((error: Error) => {
    throw new ConfigError(error.message, { cause: error });
  });
  const processBatch = createAsyncProcessor(config);
  const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'apigw-access-logs' });
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'ApiGatewayAccessLogs',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'apigw-access-logs',
  });

  /**
   * Firehose invokes it synchronously with a batch of records (§3). Logs one summary line (never
   * record contents) and publishes the same counts as EMF metrics.
   */
  return async (event, context) => {
    if (context) logger.addContext(context);
    const { response, summary } = await processBatch(event);
    logger.info('batch transformed', { deliveryStreamArn: event.deliveryStreamArn, ...summary });
    const counts: [string, number][] = [
      ['RecordsIn', summary.recordsIn],
      ['RecordsOk', summary.ok],
      ['RecordsDropped', summary.dropped],
      ['RecordsProcessingFailed', summary.processingFailed],
      ['RecordsOverResponseLimit', summary.failedOverResponseLimit],
      ['RecordsCompressed', summary.compressed],
      ['EventsOut', summary.eventsOut],
      ['UnparsedLines', summary.unparsedLines],
      // Totals only: a dimension per rule would be a custom metric per rule (the log line has them).
      ['EventsDropped', summary.eventsDropped],
      ['EventsSampledOut', summary.eventsSampledOut],
      ['EventsRedacted', summary.eventsRedacted],
    ];
    for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
    metrics.addMetric('BytesIn', MetricUnit.Bytes, summary.bytesIn);
    metrics.addMetric('BytesOut', MetricUnit.Bytes, summary.bytesOut);
    metrics.publishStoredMetrics();
    for (const [format, events] of Object.entries(summary.eventsByFormat)) {
      const byFormat = metrics.singleMetric();
      byFormat.addDimension('log_format', format);
      byFormat.addMetric('EventsByFormat', MetricUnit.Count, events);
    }
    return response;
  };
}
