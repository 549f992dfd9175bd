/**
 * Realistic Firehose batches for the benchmark, built in memory: lines written by rendering each
 * known format string with varied request values (user agents with commas, 4xx/5xx, absent
 * fields), the way API Gateway substitutes `$context` variables.
 */
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { DEFAULT_FORMAT } from '../src/formats/known';
import { cloudWatchRecord, firehoseEvent, type RecordInput } from '../test/support/firehose-event';

/** Small deterministic PRNG (mulberry32): the same batches on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'python-requests/2.32.3',
  'Amazon CloudFront',
  '-',
];
const PATHS = ['/pets', '/pets/{petId}', '/orders', '/orders/{id}/items', '/health', '/login'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 400, 403, 404, 429, 500, 502, 504];
const ERRORS = [
  'Missing Authentication Token',
  'User jane.doe@example.com is not authorized to access this resource',
  'Endpoint request timed out',
  'Forbidden: invalid key, or key disabled',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function requestTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** Values of one request, by `$context` variable path. */
function requestValues(next: () => number, i: number): Record<string, string> {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const status = pick(STATUSES);
  const epoch = Date.UTC(2026, 10, 24, 18, 0, 0) + i * 37;
  const integration = status === 403 || status === 429 ? '-' : String(Math.floor(next() * 900));
  const latency =
    integration === '-' ? Math.floor(next() * 5) : Number(integration) + Math.floor(next() * 30);
  const id = `${Math.floor(next() * 0xffffffff)
    .toString(16)
    .padStart(8, '0')}-2f6b-4c4e-9a1f-${String(i).padStart(12, '0')}`;
  return {
    requestId: id,
    extendedRequestId: `${Math.floor(next() * 1e9).toString(36)}EXAMPLE=`,
    'identity.sourceIp': `${Math.floor(next() * 223) + 1}.${Math.floor(next() * 255)}.${Math.floor(next() * 255)}.${Math.floor(next() * 255)}`,
    'identity.caller': '-',
    'identity.user': '-',
    'identity.userAgent': pick(USER_AGENTS),
    httpMethod: pick(METHODS),
    resourcePath: pick(PATHS),
    status: String(status),
    responseLength: String(Math.floor(next() * 5000)),
    requestTime: requestTime(epoch),
    requestTimeEpoch: String(epoch),
    responseLatency: String(latency),
    integrationLatency: integration,
    protocol: 'HTTP/1.1',
    apiId: 'a1b2c3d4e5',
    stage: 'prod',
    'error.message': status >= 400 ? pick(ERRORS) : '-',
  };
}

/** A format string with each `$context.x` replaced by the request's value. */
export function renderLine(format: string, values: Record<string, string>): string {
  return format.replace(
    /\$context\.([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)/g,
    (_, path: string) => values[path] ?? '-',
  );
}

/** About `bytes` of lines written in `format`, one record per line. */
export function linesBatch(format: string, bytes: number, seed = 1): FirehoseTransformationEvent {
  const next = random(seed);
  const inputs: RecordInput[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = renderLine(format, requestValues(next, i));
    size += text.length;
    inputs.push({ text });
  }
  return firehoseEvent(inputs);
}

/** About `bytes` of lines as CloudWatch Logs subscription records, 100 log events each. */
export function cloudWatchBatch(
  format: string,
  bytes: number,
  seed = 1,
): FirehoseTransformationEvent {
  const next = random(seed);
  const inputs: RecordInput[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 100) {
    const messages = Array.from({ length: 100 }, (_, j) => {
      const message = renderLine(format, requestValues(next, i + j));
      size += message.length;
      return { message, timestampMs: Date.UTC(2026, 10, 24, 18) + i + j };
    });
    inputs.push(cloudWatchRecord(messages));
  }
  return firehoseEvent(inputs);
}

/** Default-format lines whose user agent is `aaaa…a@:` of 9,000 bytes, about `bytes` in all. */
export function hostileUserAgentBatch(bytes: number): FirehoseTransformationEvent {
  const agent = `${'a'.repeat(8_998)}@:`;
  const next = random(11);
  const records: RecordInput[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const text = renderLine(DEFAULT_FORMAT, {
      ...requestValues(next, i),
      'identity.userAgent': agent,
    });
    records.push({ text });
    total += text.length;
  }
  return firehoseEvent(records);
}

/** `count` gzip records, each a line that inflates to `inflatedBytes`. */
export function inflatingBatch(count: number, inflatedBytes: number): FirehoseTransformationEvent {
  const record = { bytes: gzipSync(Buffer.alloc(inflatedBytes, 'x')) };
  return firehoseEvent(Array.from({ length: count }, () => record));
}
