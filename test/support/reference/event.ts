/**
 * The processor's object path as it was before src/write.ts: enrichEvent of src/enrich.ts and
 * encodeEvent of src/encode.ts, kept unchanged as the reference that test/src/write.property.test.ts
 * compares the processor's events with. The address policy's own functions (hashIp, truncateIp)
 * and the labels are src/enrich.ts's: both paths call them. What the object path gained since
 * (`trace_id`, the account and region) is added here too, as src/enrich.ts adds it.
 */
import type { Envelope } from '../../../src/decode';
import type { Origin } from '../../../src/enrich';
import {
  type EnrichSettings,
  hashIp,
  latencyBucket,
  type SourceIpPolicy,
  statusClass,
  truncateIp,
} from '../../../src/enrich';
import type { Fields } from '../../../src/fields';
import { MAX_EVENT_TIME_MS, parseRequestTime, requestTimeIso } from '../../../src/time';
import { traceIdOf } from '../../../src/trace';

/** Where a line came from, for what the line itself may not say. */
export interface LineContext {
  /** Event time to use when the line has none: the CloudWatch event's, else Firehose's arrival. */
  readonly fallbackTimeMs: number;
  /** CloudWatch Logs subscription envelope of the line (docs/contracts.md §3), if any. */
  readonly envelope?: Envelope;
  /** The account and region of the stream that received the line, once per invocation. */
  readonly origin?: Origin;
}

function applySourceIpPolicy(fields: Fields, policy: SourceIpPolicy): void {
  const ip = fields.source_ip;
  if (policy.mode === 'keep' || typeof ip !== 'string') return;
  const replaced = policy.mode === 'hash' ? hashIp(ip, policy.key) : truncateIp(ip);
  if (replaced === undefined) delete fields.source_ip;
  else fields.source_ip = replaced;
}

/**
 * Adds what a user queries by and OpenObserve needs: `_timestamp` in epoch microseconds (§5: the
 * event time column; `requestTime`'s own format does not parse there), `request_time` as ISO 8601,
 * `status_class`, `latency_bucket`, `integration_overhead_ms`, and where the line came from.
 * Mutates and returns `fields`.
 */
export function enrichEvent(
  fields: Fields,
  format: string,
  context: LineContext,
  settings: EnrichSettings,
): Fields {
  let timeMs: number | undefined;
  const epoch = fields.request_time_epoch;
  if (typeof epoch === 'number' && epoch > 0 && epoch <= MAX_EVENT_TIME_MS) timeMs = epoch;
  const requestTime = fields.request_time;
  if (typeof requestTime === 'string') {
    const parsed = parseRequestTime(requestTime);
    if (parsed !== undefined) {
      fields.request_time = requestTimeIso(requestTime) as string;
      timeMs ??= parsed;
    }
  }

  applySourceIpPolicy(fields, settings.sourceIp);

  const xray = fields.xray_trace_id;
  if (typeof xray === 'string') {
    const traceId = traceIdOf(xray);
    if (traceId) fields.trace_id = traceId;
  }
  const status = fields.status;
  if (typeof status === 'number') {
    const statusClassLabel = statusClass(status);
    if (statusClassLabel) fields.status_class = statusClassLabel;
  }
  const responseLatency = fields.response_latency;
  if (typeof responseLatency === 'number') {
    fields.latency_bucket = latencyBucket(responseLatency, settings.latencyBuckets);
    const integrationLatency = fields.integration_latency;
    if (typeof integrationLatency === 'number') {
      fields.integration_overhead_ms = responseLatency - integrationLatency;
    }
  }

  fields.log_format = format;
  const envelope = context.envelope;
  if (envelope) {
    fields.log_group = envelope.log_group;
    fields.log_stream = envelope.log_stream;
    fields.owner = envelope.owner;
  }
  const origin = context.origin;
  if (origin) {
    fields.aws_account_id = origin.aws_account_id;
    fields.aws_region = origin.aws_region;
  }
  fields._timestamp = Math.round((timeMs ?? context.fallbackTimeMs) * 1000);
  return fields;
}

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

/** Encoded event lines to a record's text. */
export function joinEventLines(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
