import { net, nodeCrypto } from './builtins';
import type { Envelope } from './decode';
import { MAX_EVENT_FIELDS } from './fields';
import { epochMs, MAX_EVENT_TIME_MS, MIN_EPOCH_MS, parseRequestTime, requestTimeIso } from './time';
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
const STATUS_CLASSES = ['', '1xx', '2xx', '3xx', '4xx', '5xx'];

export function statusClass(status: number): string | undefined {
  return status >= 100 && status <= 599 ? STATUS_CLASSES[Math.floor(status / 100)] : undefined;
}

/** IPv4 to its /24, IPv6 to its /48; undefined for anything that is not an address. */
export function truncateIp(ip: string): string | undefined {
  const { isIPv4, isIPv6 } = net();
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
    hashed = nodeCrypto().createHmac('sha256', key).update(ip).digest('hex').slice(0, 32);
    if (hashCache.size >= HASH_CACHE_LIMIT) hashCache.clear();
    hashCache.set(cacheKey, hashed);
  }
  return hashed;
}

/** A value as an event holds it; undefined leaves the field out. */
export type Value = string | number | undefined;

/** Where a line is enriched: the reading that produced it, where it came from, the settings. */
export interface Where {
  readonly format: string;
  readonly line: LineContext;
  readonly settings: EnrichSettings;
}

/**
 * A field the processor adds to every event it can. One entry drives both ways an event is made:
 * the enricher (createEnricher, enricher.ts) sets it on the fields object, and the writer
 * (write.ts) appends it as text, in this order, after the line's own fields. Adding a field is adding an entry here (docs/layout.md).
 */
export interface Enrichment {
  readonly field: string;
  /** The line's fields it is derived from (at most two), passed to `derive` in this order. */
  readonly from: readonly [] | readonly [string] | readonly [string, string];
  /** Its value, from those fields as read (before rewrites); undefined leaves it out. */
  readonly derive: (first: Value, second: Value, where: Where) => Value;
  /**
   * How the writer writes it: `integer`; `label`, a string JSON never escapes (a status class, a
   * bucket label, hex); `text`, a string it checks for what JSON escapes.
   */
  readonly kind: 'integer' | 'label' | 'text';
  /**
   * For the writer, optional: every value `derive` can give under these settings, when they are
   * few (a status class, a latency bucket), so each is written as one piece made at init.
   */
  readonly labels?: (settings: EnrichSettings) => readonly string[];
  /**
   * For the writer, optional: the value's JSON text straight from the line's text of the first
   * field (and its value), when that text is it; undefined to write `derive`'s value. Must give
   * the text JSON.stringify gives that value (the property test and the golden outputs hold it).
   */
  readonly text?: (firstText: string, first: Value) => string | undefined;
}

/** `_timestamp`'s epoch ms: the request's, else the line's fallback (CloudWatch, then arrival). */
function eventTimeMs(epoch: Value, requestTime: Value, fallbackTimeMs: number): number {
  return (
    (typeof epoch === 'number' ? epochMs(epoch) : undefined) ??
    (typeof requestTime === 'string' ? parseRequestTime(requestTime) : undefined) ??
    fallbackTimeMs
  );
}

/**
 * What a user queries by and OpenObserve needs: `trace_id` (W3C form of an X-Ray trace id),
 * `status_class`, `latency_bucket`, `integration_overhead_ms`, the reading, where the line came
 * from (CloudWatch envelope, account and region) and `_timestamp` in epoch microseconds (§5: the
 * event time column; `requestTime`'s own format does not parse there).
 */
export const ENRICHMENTS: readonly Enrichment[] = [
  {
    field: 'trace_id',
    from: ['xray_trace_id'],
    kind: 'label',
    derive: (xray) => (typeof xray === 'string' ? traceIdOf(xray) : undefined),
  },
  {
    field: 'status_class',
    from: ['status'],
    kind: 'label',
    derive: (status) => (typeof status === 'number' ? statusClass(status) : undefined),
    labels: () => STATUS_CLASSES.slice(1),
  },
  {
    field: 'latency_bucket',
    from: ['response_latency'],
    kind: 'label',
    derive: (latency, _, where) =>
      typeof latency === 'number'
        ? latencyBucket(latency, where.settings.latencyBuckets)
        : undefined,
    labels: (settings) => settings.latencyBuckets.labels,
  },
  {
    field: 'integration_overhead_ms',
    from: ['response_latency', 'integration_latency'],
    kind: 'integer',
    derive: (response, integration) =>
      typeof response === 'number' && typeof integration === 'number'
        ? response - integration
        : undefined,
  },
  { field: 'log_format', from: [], kind: 'label', derive: (_, __, where) => where.format },
  { field: 'log_group', from: [], kind: 'text', derive: (_, __, w) => w.line.envelope?.log_group },
  {
    field: 'log_stream',
    from: [],
    kind: 'text',
    derive: (_, __, where) => where.line.envelope?.log_stream,
  },
  { field: 'owner', from: [], kind: 'text', derive: (_, __, where) => where.line.envelope?.owner },
  {
    field: 'aws_account_id',
    from: [],
    kind: 'text',
    derive: (_, __, where) => where.line.origin?.aws_account_id,
  },
  {
    field: 'aws_region',
    from: [],
    kind: 'text',
    derive: (_, __, where) => where.line.origin?.aws_region,
  },
  {
    field: '_timestamp',
    from: ['request_time_epoch', 'request_time'],
    kind: 'integer',
    derive: (epoch, requestTime, where) =>
      Math.round(eventTimeMs(epoch, requestTime, where.line.fallbackTimeMs) * 1000),
    // A request time in whole milliseconds, as requestTimeEpoch is, is its text and `000`, with no
    // number to format, unless the text has a leading zero.
    text: (epochText, epoch) =>
      typeof epoch === 'number' &&
      epoch >= MIN_EPOCH_MS &&
      epoch <= MAX_EVENT_TIME_MS &&
      epochText.charCodeAt(0) !== 48
        ? `${epochText}000`
        : undefined,
  },
];

/**
 * Names the processor itself writes: a log line may not set them; a reading that meets one keeps
 * it in `message` instead.
 */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set([
  ...ENRICHMENTS.map(({ field }) => field),
  'parse_error',
  // Written after every event's fields (encode.ts): a line's own would be the key twice.
  'sample_rate',
]);

/** Parsed fields a fallback reading may create: what is left once the processor's own are counted. */
export const MAX_READ_FIELDS = MAX_EVENT_FIELDS - RESERVED_FIELDS.size - 1; // -1: `message`

/** The caller's API key (`$context.identity.apiKey`, or a line's `apiKey`): never written. */
const API_KEY_FIELD = 'api_key';
const removed = (): undefined => undefined;

/**
 * How a field of the line is rewritten in place, under these settings: `request_time` to ISO 8601
 * (left as written when it does not parse), `source_ip` by SOURCE_IP (removed when truncation or
 * hashing finds no address), `api_key` removed (the key itself, never logged: docs/contracts.md
 * §8). Undefined when the field is kept as read.
 */
export function rewriteOf(
  field: string,
  settings: EnrichSettings,
): ((value: string) => string | undefined) | undefined {
  if (field === 'request_time') return (value) => requestTimeIso(value) ?? value;
  if (field === API_KEY_FIELD) return removed;
  if (field !== 'source_ip') return undefined;
  const policy = settings.sourceIp;
  if (policy.mode === 'keep') return undefined;
  return policy.mode === 'hash' ? (ip) => hashIp(ip, policy.key) : truncateIp;
}
