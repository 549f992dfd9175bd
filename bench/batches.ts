/**
 * Realistic Firehose batches for the benchmark, built in memory: lines written by rendering each
 * known format string with varied request values (user agents with commas, 4xx/5xx, absent
 * fields), the way API Gateway substitutes `$context` variables.
 */
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../src/surface';
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

/**
 * The execution-log lines API Gateway writes for one request at INFO level with data tracing off
 * (docs/contracts.md §8 has the wording): usage plan, method request, the Lambda integration's
 * round trip, and the method's status; a failed integration or a throttled key instead, now and
 * then.
 */
function executionLines(next: () => number, i: number): string[] {
  const { requestId = '', httpMethod = 'GET', resourcePath = '/' } = requestValues(next, i);
  const stage = 'a1b2c3d4e5/prod';
  const line = (message: string) => `(${requestId}) ${message}`;
  if (i % 50 === 49) {
    return [
      line(
        `Key throttle limit exceeded for RestApi a1b2c3d4e5, Stage prod, Resource k0w8mc, HttpMethod ${httpMethod}. Limit: 5.00 Burst: 10`,
      ),
      line('Method completed with status: 429'),
    ];
  }
  const latency = Math.floor(20 + next() * next() * 1_500);
  const failed = i % 25 === 24;
  const status = failed ? 502 : httpMethod === 'POST' ? 201 : 200;
  const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:pets-api';
  return [
    line(`Extended Request Id: ${Math.floor(next() * 1e9).toString(36)}EXAMPLE=`),
    line(`Verifying Usage Plan for request: ${requestId}. API Key:  API Stage: ${stage}`),
    line(
      `API Key  authorized because method '${httpMethod} ${resourcePath}' does not require API Key. Request will not contribute to throttle or quota limits`,
    ),
    line(`Usage Plan check succeeded for API Key  and API Stage ${stage}`),
    line(`Starting execution for request: ${requestId}`),
    line(`HTTP Method: ${httpMethod}, Resource Path: ${resourcePath}`),
    line(`X-ray Tracing ID : 1-6745c2a2-${requestId.replace(/-/g, '').slice(0, 24)}`),
    line(
      `Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/${functionArn}/invocations`,
    ),
    line(
      `Sending request to https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/${functionArn}/invocations`,
    ),
    line(`Received response. Status: 200, Integration latency: ${latency} ms`),
    failed
      ? line(
          `Lambda execution failed with status 200 due to customer function error: ValueError: order ${i}: no price. Lambda request id: 71952965-7b9c-4d1e-9c5f-${String(i).padStart(12, '0')}`,
        )
      : line('Successfully completed execution'),
    line(`Method completed with status: ${status}`),
  ];
}

/**
 * About `bytes` of execution-log lines, both ways they reach a stream: `cloudwatch`, a
 * subscription of the stage's log group (gzip records, the lines of 8 requests in each; `bytes`
 * counts the messages); `delivery`, a CloudWatch Logs delivery (one JSON record per line; `bytes`
 * counts the records).
 */
export function executionBatch(
  via: 'cloudwatch' | 'delivery',
  bytes: number,
  seed = 1,
): FirehoseTransformationEvent {
  const next = random(seed);
  const inputs: RecordInput[] = [];
  const at = (i: number) => Date.UTC(2026, 10, 24, 18) + i * 37;
  let size = 0;
  for (let i = 0; size < bytes; i += 8) {
    const messages = Array.from({ length: 8 }, (_, j) =>
      executionLines(next, i + j).map((message, k) => ({ message, timestampMs: at(i + j) + k })),
    ).flat();
    if (via === 'cloudwatch') {
      for (const { message } of messages) size += message.length;
      inputs.push(
        cloudWatchRecord(messages, 'DATA_MESSAGE', 'API-Gateway-Execution-Logs_a1b2c3d4e5/prod'),
      );
    } else {
      for (const { message, timestampMs } of messages) {
        const text = JSON.stringify({
          resource_arn:
            'arn:aws:apigateway:us-east-1:123456789012:/restapis/a1b2c3d4e5/stages/prod',
          event_timestamp: timestampMs,
          stage: 'prod',
          payload: message,
        });
        size += text.length;
        inputs.push({ text });
      }
    }
  }
  return firehoseEvent(inputs);
}

/** A benchmark batch: its name, the LOG_FORMAT its handler reads, and how to build it. */
export type BenchmarkBatch = readonly [string, string, () => FirehoseTransformationEvent];

/**
 * The benchmark's batches of about `bytes` each, `default` first: a batch of lines in each known
 * format, CloudWatch Logs gzip records of default-format lines, and execution-log lines both ways
 * they reach a stream.
 */
export function benchmarkBatches(bytes: number): BenchmarkBatch[] {
  return [
    ['default', DEFAULT_FORMAT, () => linesBatch(DEFAULT_FORMAT, bytes)],
    ...Object.entries(KNOWN_FORMATS)
      .filter(([name]) => name !== 'default')
      .map(([name, format]): BenchmarkBatch => [name, format, () => linesBatch(format, bytes)]),
    ['cloudwatch_gzip', DEFAULT_FORMAT, () => cloudWatchBatch(DEFAULT_FORMAT, bytes)],
    ['execution_cloudwatch', DEFAULT_FORMAT, () => executionBatch('cloudwatch', bytes)],
    ['execution_delivery', DEFAULT_FORMAT, () => executionBatch('delivery', bytes)],
  ];
}

/** One request's outcome: its status, API Gateway's error type, and what answered it. */
interface Outcome {
  readonly status: number;
  readonly errorType?: string;
  readonly message?: string;
  /** The integration was called (its status is the request's). */
  readonly integrated: boolean;
  readonly authorizer?: 'denied' | 'failed';
  readonly waf?: 'blocked';
}

/** Outcomes by weight: mostly 2xx, every error type the dashboard colours, a few of each. */
const OUTCOMES: readonly (readonly [number, Outcome])[] = [
  [70, { status: 200, integrated: true }],
  [6, { status: 201, integrated: true }],
  [3, { status: 204, integrated: true }],
  [2, { status: 301, integrated: true }],
  [3, { status: 404, integrated: true }],
  [2, { status: 400, integrated: true, message: 'Invalid request body' }],
  [2, { status: 429, errorType: 'THROTTLED', message: 'Too Many Requests', integrated: false }],
  [1, { status: 429, errorType: 'QUOTA_EXCEEDED', message: 'Limit Exceeded', integrated: false }],
  [1, { status: 403, errorType: 'INVALID_API_KEY', message: 'Forbidden', integrated: false }],
  [
    1,
    {
      status: 403,
      errorType: 'WAF_FILTERED',
      message: 'Forbidden',
      integrated: false,
      waf: 'blocked',
    },
  ],
  [
    1,
    {
      status: 401,
      errorType: 'UNAUTHORIZED',
      message: 'Unauthorized',
      integrated: false,
      authorizer: 'denied',
    },
  ],
  [
    1,
    {
      status: 502,
      errorType: 'INTEGRATION_FAILURE',
      message: 'Internal server error',
      integrated: true,
    },
  ],
  [
    1,
    {
      status: 504,
      errorType: 'INTEGRATION_TIMEOUT',
      message: 'Endpoint request timed out',
      integrated: true,
    },
  ],
  [
    1,
    {
      status: 500,
      errorType: 'AUTHORIZER_FAILURE',
      message: 'Internal server error',
      integrated: false,
      authorizer: 'failed',
    },
  ],
];
const APIS = [
  { apiId: 'a1b2c3d4e5', stage: 'prod', domainName: 'pets.example.com' },
  { apiId: 'a1b2c3d4e5', stage: 'staging', domainName: 'pets-staging.example.com' },
  { apiId: 'k9x8w7v6u5', stage: 'prod', domainName: 'orders.example.com' },
];
const API_KEYS = ['k7q2m9x4p1', 'b3n8v1c6z0', 'r5t7y2u9i4', '-'];
/** Clients, a few of them busy: the first of the list is picked most often. */
const CLIENTS = Array.from({ length: 40 }, (_, i) => `198.51.100.${10 + i * 5}`);
/** The resource whose responses an integration streams (REST response streaming). */
const STREAMED_PATH = '/reports/{id}/export';

/**
 * `count` requests spread over the `minutes` before `endMs`, as a stage writes them in the
 * recommended format: several APIs and stages, every outcome the dashboard shows (error types,
 * authorizers, the web ACL, API keys, streamed responses), plus one line in a hundred that no
 * format reads. For pictures and tests of the dashboard, not for the benchmark.
 */
export function liveTraffic(endMs: number, minutes: number, count: number, seed = 7): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const total = OUTCOMES.reduce((sum, [weight]) => sum + weight, 0);
  const outcome = (): Outcome => {
    let left = next() * total;
    for (const [weight, candidate] of OUTCOMES) {
      left -= weight;
      if (left < 0) return candidate;
    }
    return OUTCOMES[0]?.[1] as Outcome;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 100 === 99) {
      lines.push(`health probe ${i}: connection reset by peer`);
      continue;
    }
    const epoch = Math.floor(endMs - minutes * 60_000 + (i / count) * minutes * 60_000);
    const base = requestValues(next, i);
    const { resourcePath = '/', httpMethod = 'GET', requestId = '' } = base;
    const { status, errorType, message, integrated, authorizer, waf } = outcome();
    const streamed = integrated && status === 200 && next() < 0.04;
    const integration = integrated
      ? Math.floor(streamed ? 2_000 + next() * 30_000 : 20 + next() * next() * 1_500)
      : undefined;
    const authorized = next() < 0.6 || authorizer !== undefined;
    const authorizerLatency = Math.floor(4 + next() * next() * 120);
    const firstContent = integration && Math.floor(15 + next() * (streamed ? 80 : integration));
    lines.push(
      renderLine(DEFAULT_FORMAT, {
        ...base,
        ...pick(APIS),
        'identity.sourceIp': CLIENTS[Math.floor(next() * next() * CLIENTS.length)] as string,
        resourcePath: streamed ? STREAMED_PATH : resourcePath,
        httpMethod: streamed ? 'GET' : httpMethod,
        path: `/prod${streamed ? '/reports/42/export' : resourcePath}`,
        status: String(status),
        requestTime: requestTime(epoch),
        requestTimeEpoch: String(epoch),
        responseLatency: String((integration ?? 0) + Math.floor(1 + next() * 25)),
        integrationLatency: integration === undefined ? '-' : String(integration),
        'integration.status': integrated ? String(status) : '-',
        'integration.responseTransferMode': integrated ? (streamed ? 'STREAMED' : 'BUFFERED') : '-',
        'integration.timeToFirstContent': firstContent ? String(firstContent) : '-',
        'integration.timeToAllHeaders': firstContent ? String(Math.max(1, firstContent - 2)) : '-',
        'error.responseType': errorType ?? '-',
        'error.message': message ?? '-',
        'integration.error': errorType?.startsWith('INTEGRATION') ? (message ?? '-') : '-',
        'authorizer.status': !authorized
          ? '-'
          : authorizer === 'denied'
            ? '401'
            : authorizer === 'failed'
              ? '500'
              : '200',
        'authorizer.latency': authorized ? String(authorizerLatency) : '-',
        'authorizer.error': authorizer === 'failed' ? 'Authorizer timed out' : '-',
        'waf.status': waf ? '403' : '200',
        wafResponseCode: waf ? 'WAF_BLOCK' : 'WAF_ALLOW',
        'identity.apiKeyId': pick(API_KEYS),
        xrayTraceId: `1-${Math.floor(epoch / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`,
      }),
    );
  }
  return lines;
}
