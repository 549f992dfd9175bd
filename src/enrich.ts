import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Envelope } from './decode';
import type { Fields } from './fields';
import { MAX_EVENT_TIME_MS, parseRequestTime, requestTimeIso } from './time';
import { traceIdOf } from './trace';

export type SourceIpPolicy =
  | { readonly mode: 'keep' }
  | { readonly mode: 'truncate' }
  | { readonly mode: 'hash'; readonly key: string };

export interface LatencyBuckets {
  /** Ascending upper bounds in ms; bucket i holds [bounds[i-1], bounds[i]). */
  readonly bounds: readonly number[];
  /** One label per bucket, bounds.length + 1 of them. */
  readonly labels: readonly string[];
}

export interface EnrichSettings {
  readonly latencyBuckets: LatencyBuckets;
  readonly sourceIp: SourceIpPolicy;
}

/** The AWS account and region a batch came from: the delivery stream's (docs/contracts.md §3). */
export interface Origin {
  readonly aws_account_id: string;
  readonly aws_region: string;
}

/**
 * The account and region in the stream's ARN, `arn:aws:firehose:{region}:{account}:deliverystream/…`,
 * read once per invocation; undefined for anything else (a replay, a test event).
 */
export function originOf(streamArn: unknown): Origin | undefined {
  if (typeof streamArn !== 'string') return undefined;
  const match = /^arn:[\w-]{1,32}:firehose:([a-z0-9-]{1,32}):(\d{12}):deliverystream\//.exec(
    streamArn,
  );
  return match ? { aws_account_id: match[2] as string, aws_region: match[1] as string } : undefined;
}

/** Where a line came from, for what the line itself may not say. */
export interface LineContext {
  /** Event time to use when the line has none: the CloudWatch event's, else Firehose's arrival. */
  readonly fallbackTimeMs: number;
  /** CloudWatch Logs subscription envelope of the line (docs/contracts.md §3), if any. */
  readonly envelope?: Envelope;
  /** The account and region of the stream that received the line, once per invocation. */
  readonly origin?: Origin;
}

/**
 * Labels that read well and sort in bucket order as strings: `01: <50ms`, `02: 50-99ms`, …,
 * `09: >=10000ms`. The numeric prefix keeps `GROUP BY latency_bucket ORDER BY latency_bucket` right.
 */
export function latencyBuckets(bounds: readonly number[]): LatencyBuckets {
  // At most 21 buckets (config allows 20 bounds): two digits keep string order = bucket order.
  const index = (i: number) => String(i + 1).padStart(2, '0');
  const labels = [`${index(0)}: <${bounds[0]}ms`];
  for (let i = 1; i < bounds.length; i++) {
    labels.push(`${index(i)}: ${bounds[i - 1]}-${(bounds[i] as number) - 1}ms`);
  }
  labels.push(`${index(bounds.length)}: >=${bounds[bounds.length - 1]}ms`);
  return { bounds, labels };
}

export function latencyBucket(latencyMs: number, buckets: LatencyBuckets): string {
  return buckets.labels[latencyBucketIndex(latencyMs, buckets)] as string;
}

/** The index of a latency's bucket, and of its label. */
export function latencyBucketIndex(latencyMs: number, { bounds }: LatencyBuckets): number {
  let i = 0;
  while (i < bounds.length && latencyMs >= (bounds[i] as number)) i++;
  return i;
}

/** `1xx` … `5xx`; undefined for a value that is not an HTTP status. */
export function statusClass(status: number): string | undefined {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : undefined;
}

/** IPv4 to its /24, IPv6 to its /48; undefined for anything that is not an address. */
export function truncateIp(ip: string): string | undefined {
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf('.'))}.0`;
  if (!isIPv6(ip)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `::ffff:${truncateIp(mapped[1] as string)}`;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = ip.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 3)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::`;
}

// Clients repeat: one HMAC per distinct address and container, bounded.
const hashCache = new Map<string, string>();
const HASH_CACHE_LIMIT = 10_000;

/** Keyed, so the addresses cannot be recovered by hashing the IPv4 space. 128 bits, hex. */
export function hashIp(ip: string, key: string): string {
  const cacheKey = `${key}\u0000${ip}`;
  let hashed = hashCache.get(cacheKey);
  if (hashed === undefined) {
    hashed = createHmac('sha256', key).update(ip).digest('hex').slice(0, 32);
    if (hashCache.size >= HASH_CACHE_LIMIT) hashCache.clear();
    hashCache.set(cacheKey, hashed);
  }
  return hashed;
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
 * `status_class`, `latency_bucket`, `integration_overhead_ms`, `trace_id` (W3C form of an X-Ray
 * trace id), and where the line came from (CloudWatch envelope, account and region).
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
