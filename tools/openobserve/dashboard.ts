/**
 * The API health dashboard (schema version 8) that `npm run openobserve -- setup` installs, beside
 * the alerts (alerts.ts) and the stream settings (stream-settings.ts) (docs/contracts.md §6).
 * `npm run openobserve:files` writes all three into `openobserve/` for importing by hand; a test
 * keeps them up to date.
 *
 * Every query reads only fields the processor writes (README, "Output fields"). OpenObserve files
 * cited "at v0.90.0" are from its tag v0.90.0 (commit f20d1bfb49e8), the oldest version the dashboard is built for.
 */

import { KNOWN_FORMATS } from '../../src/surface';
import type { Json } from './api';
import { COUNT, percentile, WEIGHT } from './sql';
import { DEFAULT_STREAM } from './stream-settings';

export const DASHBOARD_TITLE = 'API Gateway health';

/** The dashboard of a stream: the default stream's has the plain title, another's names it. */
export const dashboardTitle = (stream: string): string =>
  stream === DEFAULT_STREAM ? DASHBOARD_TITLE : `${DASHBOARD_TITLE} (${stream})`;

/** The stream a dashboard shows: the value of its `stream` variable. */
export function dashboardStream(v8: Json): unknown {
  const list = (v8.variables as Json | undefined)?.list;
  return Array.isArray(list) ? list.find((item) => item?.name === 'stream')?.value : undefined;
}

/** The dashboard's variables, as the panels' SQL names them. */
export const FILTER_VARIABLES = [
  'aws_account_id',
  'aws_region',
  'api_id',
  'stage',
  'resource_path',
  'http_method',
] as const;

/**
 * The API panels' filter. A multi-select variable inside `IN (…)` is written `${name:singlequote}`
 * ('a','b'); "All" becomes `'_o2_all_'`, which OpenObserve turns into `true` (§6). A request has a
 * status: unparsed lines and `npm run doctor`'s probe events are counted on the Pipeline tab only.
 */
const API_FILTER = [
  'status IS NOT NULL',
  ...FILTER_VARIABLES.map((name) => `${name} IN (\${${name}:singlequote})`),
].join(' AND ');
const FROM = `FROM "\${stream}"`;
/** One-minute buckets: "per minute" panels mean it at any time range. */
const MINUTE = "histogram(_timestamp, '1 minute') AS minute";
/**
 * A per-minute panel's rows: OpenObserve answers a query without a LIMIT with its first 1,000 rows
 * (ZO_QUERY_DEFAULT_LIMIT), the oldest minutes, so a day's chart would end hours early, its newest
 * minutes missing as if nothing came in. 100,000 rows: 69 days of one series, 13 of five.
 */
const MINUTE_ROWS = 'LIMIT 100000';
const RESOURCE = "concat(http_method, ' ', resource_path) AS resource";
/**
 * API Gateway answered itself: a gateway response (`$context.error.responseType`: a limit, an
 * authorizer, WAF, the configuration) other than its failure or time-out calling the integration.
 * Anything else that failed the integration returned or caused: a backend's own 404, a Lambda
 * proxy's 500 (whose `integration.status` is Lambda's 200, docs/contracts.md §2.1). A format
 * without the error type, or the integration's status, cannot tell: a request with neither counts
 * as API Gateway's. COALESCE and IS NULL: never unknown, so NOT of it is never unknown either.
 */
const GATEWAY_ANSWERED =
  "COALESCE(error_response_type, '') NOT IN ('', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT') OR (error_response_type IS NULL AND integration_status IS NULL)";
/** Requests that match a condition, weighted. */
const COUNT_WHERE = (condition: string) => `SUM(CASE WHEN ${condition} THEN ${WEIGHT} ELSE 0 END)`;
const countWhere = (condition: string, alias: string) => `${COUNT_WHERE(condition)} AS ${alias}`;
const share = (statusClass: string, alias: string) =>
  `100.0 * SUM(CASE WHEN status_class = '${statusClass}' THEN ${WEIGHT} ELSE 0 END) / NULLIF(${COUNT}, 0) AS ${alias}`;

/**
 * What a panel's numbers are, and so how OpenObserve prints them. The UI formats every value,
 * tick and tooltip with the panel's `unit`, `unit_custom` and `decimals`
 * (web/src/utils/dashboard/convertDataIntoUnitValue.ts at v0.90.0, `getUnitValue`). Latency is
 * the custom unit "ms", not `milliseconds`: that unit steps down to the smallest unit whose
 * divisor the value reaches, so a 0 prints as "0.00ns".
 */
export type Numbers = 'count' | 'ms' | 'percent';
const NUMBER_FORMATS: Record<Numbers, Record<string, unknown>> = {
  count: { decimals: 0 },
  ms: { unit: 'custom', unit_custom: 'ms', decimals: 0 },
  percent: { unit: 'percent', decimals: 2 },
};

/**
 * Colours that mean something. Without one, the UI picks a series' colour from a hash of its name
 * (web/src/utils/dashboard/colorPalette.ts at v0.90.0, `getSeriesColor`), so unrelated series can
 * share a colour and a colour says nothing.
 */
const COLOR = {
  green: '#43A047',
  blue: '#1E88E5',
  amber: '#FFB300',
  red: '#E53935',
  cyan: '#00ACC1',
  deepPurple: '#5E35B1',
  pink: '#D81B60',
  teal: '#00897B',
  brown: '#6D4C41',
  lime: '#7CB342',
  indigo: '#3949AB',
  blueGrey: '#546E7A',
} as const;

/**
 * API Gateway's error types (`$context.error.responseType`) by what to do about them: limits
 * amber, refused callers purple, the web ACL pink, the backend red, API Gateway's own setup brown.
 */
const ERROR_TYPE_COLORS: readonly (readonly [string, string])[] = [
  ['THROTTLED', COLOR.amber],
  ['QUOTA_EXCEEDED', COLOR.lime],
  ['UNAUTHORIZED', COLOR.deepPurple],
  ['ACCESS_DENIED', COLOR.indigo],
  ['INVALID_API_KEY', COLOR.blue],
  ['MISSING_AUTHENTICATION_TOKEN', COLOR.cyan],
  ['WAF_FILTERED', COLOR.pink],
  ['INTEGRATION_FAILURE', COLOR.red],
  ['INTEGRATION_TIMEOUT', '#B71C1C'],
  ['AUTHORIZER_FAILURE', COLOR.brown],
  ['AUTHORIZER_CONFIGURATION_ERROR', COLOR.teal],
  ['API_CONFIGURATION_ERROR', COLOR.green],
];

/** Status classes as a reader expects them: success green, redirects blue, 4xx amber, 5xx red. */
export const STATUS_CLASS_COLORS = [
  ['2xx', COLOR.green],
  ['3xx', COLOR.blue],
  ['4xx', COLOR.amber],
  ['5xx', COLOR.red],
] as const;

/**
 * Every `log_format` the processor writes: the formats it knows by name, `custom`, the `labels`
 * fallback and `raw` (lines no format read). `raw` is red and `labels` amber: both mean a stage
 * writes another format than LOG_FORMAT.
 */
const FORMAT_PALETTE = [
  COLOR.blue,
  COLOR.green,
  COLOR.teal,
  COLOR.cyan,
  COLOR.indigo,
  COLOR.brown,
  COLOR.lime,
  COLOR.deepPurple,
  COLOR.blueGrey,
];
const LOG_FORMAT_COLORS: readonly (readonly [string, string])[] = [
  ...[...Object.keys(KNOWN_FORMATS), 'custom'].map(
    (name, index) => [name, FORMAT_PALETTE[index % FORMAT_PALETTE.length] as string] as const,
  ),
  ['execution', COLOR.pink],
  ['labels', COLOR.amber],
  ['raw', COLOR.red],
];

export interface PanelSpec {
  readonly type: 'area-stacked' | 'line' | 'bar' | 'h-bar' | 'table' | 'metric';
  readonly title: string;
  /** What it shows, and what to do when it looks wrong. */
  readonly description: string;
  readonly sql: string;
  /**
   * Result columns on each axis (§6: every axis item names a result column). A table shows its x
   * columns, then its y columns (web/src/utils/dashboard/convertTableData.ts at v0.90.0), so a
   * table lists all of its columns in x, in the order a reader needs them.
   */
  readonly x: readonly string[];
  readonly y: readonly string[];
  readonly breakdown?: readonly string[];
  /** Grid columns of 192, and height in rows. */
  readonly w: number;
  readonly h: number;
  readonly numbers: Numbers;
  /** A table's columns that hold milliseconds (the rest are counts or codes). */
  readonly msColumns?: readonly string[];
  /** The colour of a panel's one series. */
  readonly color?: string;
  /** Series name (a breakdown value, or a y column) and its colour, in legend order. */
  readonly seriesColors?: readonly (readonly [series: string, color: string])[];
  /** Degrees to slant the x-axis labels, so that each category keeps its label. */
  readonly xLabelRotate?: number;
}

export interface TabSpec {
  readonly name: string;
  readonly panels: readonly PanelSpec[];
}

const metric = (
  title: string,
  description: string,
  sql: string,
  column: string,
  numbers: Numbers,
): PanelSpec => ({
  type: 'metric',
  title,
  description,
  sql,
  x: [],
  y: [column],
  w: 48,
  h: 8,
  numbers,
});

/**
 * Rows a reader scans top-down: the four totals; traffic and errors; latency; the top resources;
 * then the tables, each as wide as its first columns need. A table column is 150 px wide unless
 * dragged (TanStack's default size; web/src/components/TenstackTable.vue at v0.90.0), so the
 * request tables take the full width and the top-N tables put their count first.
 */
export const TABS: readonly TabSpec[] = [
  {
    name: 'API health',
    panels: [
      metric(
        'Requests',
        'All requests of the selected APIs, stages, resources and methods in the time range.',
        `SELECT ${COUNT} AS requests ${FROM} WHERE ${API_FILTER}`,
        'requests',
        'count',
      ),
      metric(
        '4xx responses',
        'Client errors. A jump after a deployment often means a changed contract or a broken client; see "Latest failed requests" and "Top error messages".',
        `SELECT ${COUNT} AS responses_4xx ${FROM} WHERE ${API_FILTER} AND status_class = '4xx'`,
        'responses_4xx',
        'count',
      ),
      metric(
        '5xx responses',
        'Server errors: the integration failed, timed out (504) or API Gateway itself failed. Any here is worth a look; see "Top resources by 5xx".',
        `SELECT ${COUNT} AS responses_5xx ${FROM} WHERE ${API_FILTER} AND status_class = '5xx'`,
        'responses_5xx',
        'count',
      ),
      metric(
        '5xx rate (%)',
        'Server errors as a percentage of all requests. The 5xx-rate alert fires on this per API and stage over 10 minutes.',
        `SELECT ${share('5xx', 'rate_5xx_pct')} ${FROM} WHERE ${API_FILTER}`,
        'rate_5xx_pct',
        'percent',
      ),
      {
        type: 'area-stacked',
        title: 'Requests per minute by status class',
        description:
          'Traffic, stacked by status class: 2xx green, 3xx blue, 4xx amber, 5xx red. A drop to zero means the API or the log pipeline stopped (see the Pipeline tab and `npm run doctor`); a growing amber or red band is a failure pattern.',
        // Ordered by class too: the UI stacks the classes in the order they first appear.
        sql: `SELECT ${MINUTE}, status_class, ${COUNT} AS requests ${FROM} WHERE ${API_FILTER} GROUP BY minute, status_class ORDER BY minute, status_class ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['requests'],
        breakdown: ['status_class'],
        w: 64,
        h: 16,
        numbers: 'count',
        seriesColors: STATUS_CLASS_COLORS,
      },
      {
        type: 'line',
        title: 'Error rate per minute (%)',
        description:
          '4xx (amber) and 5xx (red) responses as percentages of all requests in each minute. 5xx above a few percent needs the integration owner; 4xx spikes usually come from one client or one resource.',
        sql: `SELECT ${MINUTE}, ${share('4xx', 'rate_4xx_pct')}, ${share('5xx', 'rate_5xx_pct')} ${FROM} WHERE ${API_FILTER} GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['rate_4xx_pct', 'rate_5xx_pct'],
        w: 64,
        h: 16,
        numbers: 'percent',
        seriesColors: [
          ['rate_4xx_pct', COLOR.amber],
          ['rate_5xx_pct', COLOR.red],
        ],
      },
      {
        type: 'bar',
        title: 'Throttled requests (429) per minute',
        description:
          'Requests API Gateway refused with 429: stage or usage-plan throttling, or the account limit. Raise the limit, or find the client: by key in "Top API keys by 429 and 403", by address with a search of status=429 (docs/openobserve.md, "Queries to start from").',
        sql: `SELECT ${MINUTE}, ${COUNT} AS throttled ${FROM} WHERE ${API_FILTER} AND status = 429 GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['throttled'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.amber,
      },
      {
        type: 'line',
        title: 'Latency per minute: p50, p95, p99 (ms)',
        description:
          'Response latency as the client sees it. A p99 far above p95 is a few slow requests (see "Slowest requests"); p50 rising is the whole API slowing down.',
        sql: `SELECT ${MINUTE}, ${percentile('response_latency', 0.5)} AS p50_ms, ${percentile('response_latency', 0.95)} AS p95_ms, ${percentile('response_latency', 0.99)} AS p99_ms ${FROM} WHERE ${API_FILTER} AND response_latency IS NOT NULL GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['p50_ms', 'p95_ms', 'p99_ms'],
        w: 64,
        h: 16,
        numbers: 'ms',
        seriesColors: [
          ['p50_ms', COLOR.cyan],
          ['p95_ms', COLOR.deepPurple],
          ['p99_ms', COLOR.pink],
        ],
      },
      {
        type: 'bar',
        title: 'Latency buckets',
        description:
          'How many requests fell in each latency bucket (LATENCY_BUCKETS_MS). Mass moving to the right is a slowdown; a bar at the top bucket is timeouts.',
        sql: `SELECT latency_bucket, ${COUNT} AS requests ${FROM} WHERE ${API_FILTER} AND latency_bucket IS NOT NULL GROUP BY latency_bucket ORDER BY latency_bucket`,
        x: ['latency_bucket'],
        y: ['requests'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.teal,
        // Bucket labels need more room than a bucket's share of the axis, so ECharts' automatic
        // interval shows every other one; slanted, each fits (axis_label_rotate,
        // web/src/utils/dashboard/sql/shared/contextBuilder.ts at v0.90.0).
        xLabelRotate: 45,
      },
      {
        type: 'line',
        title: "API Gateway's own share: p95 overhead per minute (ms)",
        description:
          'Response latency minus integration latency: time spent in API Gateway (authorizers, mapping templates, WAF). If this rises while the integration stays flat, look at authorizers and caching, not at the backend.',
        sql: `SELECT ${MINUTE}, ${percentile('integration_overhead_ms', 0.95)} AS overhead_p95_ms ${FROM} WHERE ${API_FILTER} AND integration_overhead_ms IS NOT NULL GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['overhead_p95_ms'],
        w: 64,
        h: 16,
        numbers: 'ms',
        color: COLOR.deepPurple,
      },
      {
        type: 'line',
        title: 'Streamed responses: time to first byte against latency, p95 per minute (ms)',
        description:
          'For responses the integration streamed (REST response streaming): p95 of the time to the first content bytes beside p95 of the whole response. Clients see data from the first; a first byte that rises with the latency means the backend buffers before it streams.',
        sql: `SELECT ${MINUTE}, ${percentile('integration_time_to_first_content', 0.95)} AS first_byte_p95_ms, ${percentile('response_latency', 0.95)} AS latency_p95_ms ${FROM} WHERE ${API_FILTER} AND integration_response_transfer_mode = 'STREAMED' AND integration_time_to_first_content IS NOT NULL GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['first_byte_p95_ms', 'latency_p95_ms'],
        w: 96,
        h: 16,
        numbers: 'ms',
        seriesColors: [
          ['first_byte_p95_ms', COLOR.teal],
          ['latency_p95_ms', COLOR.deepPurple],
        ],
      },
      {
        type: 'area-stacked',
        title: 'Requests per minute by transfer mode',
        description:
          "How the integrations answered: BUFFERED (the whole response at once) or STREAMED (`$context.integration.responseTransferMode`). Requests API Gateway answered itself have none. A stage's format without the variable shows nothing here (`npm run doctor`, stage-format).",
        sql: `SELECT ${MINUTE}, integration_response_transfer_mode, ${COUNT} AS requests ${FROM} WHERE ${API_FILTER} AND integration_response_transfer_mode IS NOT NULL GROUP BY minute, integration_response_transfer_mode ORDER BY minute, integration_response_transfer_mode ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['requests'],
        breakdown: ['integration_response_transfer_mode'],
        w: 96,
        h: 16,
        numbers: 'count',
        seriesColors: [
          ['BUFFERED', COLOR.blue],
          ['STREAMED', COLOR.teal],
        ],
      },
      {
        type: 'h-bar',
        title: 'Top resources by requests',
        description: 'Method and resource path with the most requests.',
        sql: `SELECT ${RESOURCE}, ${COUNT} AS requests ${FROM} WHERE ${API_FILTER} AND resource_path IS NOT NULL GROUP BY resource ORDER BY requests DESC LIMIT 10`,
        x: ['resource'],
        y: ['requests'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.blue,
      },
      {
        type: 'h-bar',
        title: 'Top resources by p95 latency (ms)',
        description:
          'The slowest method and resource paths. Fix these first: a slow resource slows every client that calls it.',
        sql: `SELECT ${RESOURCE}, ${percentile('response_latency', 0.95)} AS p95_ms ${FROM} WHERE ${API_FILTER} AND resource_path IS NOT NULL AND response_latency IS NOT NULL GROUP BY resource ORDER BY p95_ms DESC LIMIT 10`,
        x: ['resource'],
        y: ['p95_ms'],
        w: 64,
        h: 16,
        numbers: 'ms',
        color: COLOR.deepPurple,
      },
      {
        type: 'h-bar',
        title: 'Top resources by 5xx',
        description:
          'Where server errors come from. One resource here points at one integration; all of them at API Gateway or a shared dependency.',
        sql: `SELECT ${RESOURCE}, ${COUNT} AS responses_5xx ${FROM} WHERE ${API_FILTER} AND resource_path IS NOT NULL AND status_class = '5xx' GROUP BY resource ORDER BY responses_5xx DESC LIMIT 10`,
        x: ['resource'],
        y: ['responses_5xx'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.red,
      },
      {
        type: 'table',
        title: 'Slowest requests',
        description:
          "The slowest requests with their request id: search the stream for `request_id` to see the whole event, and the integration's own logs for the same id.",
        sql: `SELECT response_latency, integration_latency, status, http_method, resource_path, _timestamp, request_id, error_message ${FROM} WHERE ${API_FILTER} AND response_latency IS NOT NULL ORDER BY response_latency DESC LIMIT 20`,
        x: [
          'response_latency',
          'integration_latency',
          'status',
          'http_method',
          'resource_path',
          '_timestamp',
          'request_id',
          'error_message',
        ],
        y: [],
        w: 192,
        h: 16,
        numbers: 'count',
        msColumns: ['response_latency', 'integration_latency'],
      },
      {
        type: 'table',
        title: 'Latest failed requests',
        description:
          'The newest 4xx and 5xx responses with status, time, resource, error message, latency and request id.',
        sql: `SELECT status, _timestamp, http_method, resource_path, error_message, response_latency, request_id ${FROM} WHERE ${API_FILTER} AND status >= 400 ORDER BY _timestamp DESC LIMIT 20`,
        x: [
          'status',
          '_timestamp',
          'http_method',
          'resource_path',
          'error_message',
          'response_latency',
          'request_id',
        ],
        y: [],
        w: 192,
        h: 16,
        numbers: 'count',
        msColumns: ['response_latency'],
      },
      {
        type: 'table',
        title: 'Top error messages',
        description:
          "API Gateway's `$context.error.message`: authorizer denials, missing keys, integration timeouts. Needs ErrorMessage in the stage's format.",
        sql: `SELECT ${COUNT} AS requests, error_message ${FROM} WHERE ${API_FILTER} AND error_message IS NOT NULL GROUP BY error_message ORDER BY requests DESC LIMIT 10`,
        x: ['requests', 'error_message'],
        y: [],
        w: 64,
        h: 16,
        numbers: 'count',
      },
      {
        type: 'table',
        title: 'Top user agents',
        description:
          'Which clients call the API. A new agent at the top is a new integration, or a scraper.',
        sql: `SELECT ${COUNT} AS requests, user_agent ${FROM} WHERE ${API_FILTER} AND user_agent IS NOT NULL GROUP BY user_agent ORDER BY requests DESC LIMIT 10`,
        x: ['requests', 'user_agent'],
        y: [],
        w: 64,
        h: 16,
        numbers: 'count',
      },
      {
        type: 'table',
        title: 'Top source addresses',
        description:
          'Client addresses as SOURCE_IP keeps them (kept, truncated to /24 and /48, or hashed), by requests. For the addresses that were throttled, search status=429 (docs/openobserve.md, "Queries to start from").',
        sql: `SELECT ${COUNT} AS requests, source_ip ${FROM} WHERE ${API_FILTER} AND source_ip IS NOT NULL GROUP BY source_ip ORDER BY requests DESC LIMIT 10`,
        x: ['requests', 'source_ip'],
        y: [],
        w: 64,
        h: 16,
        numbers: 'count',
      },
    ],
  },
  {
    name: 'Failures',
    panels: [
      {
        type: 'area-stacked',
        title: 'Requests by error type per minute',
        description:
          "Failed requests by API Gateway's error type (`$context.error.responseType`): THROTTLED and QUOTA_EXCEEDED are limits (raise them, or find the API key below), UNAUTHORIZED and ACCESS_DENIED the authorizer or resource policy, WAF_FILTERED the web ACL, INTEGRATION_FAILURE and INTEGRATION_TIMEOUT the backend (see `npm run request -- <request-id>` for one request's execution log).",
        sql: `SELECT ${MINUTE}, error_response_type, ${COUNT} AS requests ${FROM} WHERE ${API_FILTER} AND error_response_type IS NOT NULL GROUP BY minute, error_response_type ORDER BY minute, error_response_type ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['requests'],
        breakdown: ['error_response_type'],
        w: 96,
        h: 16,
        numbers: 'count',
        seriesColors: ERROR_TYPE_COLORS,
      },
      {
        type: 'line',
        title: "API Gateway's own errors against the integration's, per minute",
        description:
          "Errors API Gateway answered itself with a gateway response (limits, authorizers, WAF, configuration: amber) against those of the integration (the backend's own 4xx and 5xx, a Lambda function's error status, API Gateway's failures and time-outs calling it: red). Amber is yours to fix in API Gateway; red belongs to the backend's owner. Needs ErrorType and IntegrationStatus in the stage's format, as the recommended one has.",
        sql: `SELECT ${MINUTE}, ${countWhere(`status >= 400 AND NOT (${GATEWAY_ANSWERED})`, 'integration_errors')}, ${countWhere(`status >= 400 AND (${GATEWAY_ANSWERED})`, 'gateway_errors')} ${FROM} WHERE ${API_FILTER} GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['gateway_errors', 'integration_errors'],
        w: 96,
        h: 16,
        numbers: 'count',
        seriesColors: [
          ['gateway_errors', COLOR.amber],
          ['integration_errors', COLOR.red],
        ],
      },
      {
        type: 'table',
        title: 'Top API keys by requests',
        description:
          "The API keys (ids, never the keys) that sent the most requests, with their 429 and 403 answers. A key near its usage plan's limits shows its 429s here first.",
        sql: `SELECT ${COUNT} AS requests, api_key_id, ${countWhere('status = 429', 'throttled')}, ${countWhere('status = 403', 'forbidden')} ${FROM} WHERE ${API_FILTER} AND api_key_id IS NOT NULL GROUP BY api_key_id ORDER BY requests DESC LIMIT 10`,
        x: ['requests', 'api_key_id', 'throttled', 'forbidden'],
        y: [],
        w: 96,
        h: 16,
        numbers: 'count',
      },
      {
        type: 'table',
        title: 'Top API keys by 429 and 403',
        description:
          'The keys most often throttled (429: usage plan or quota) or refused (403: a missing or wrong key, or WAF). Raise the plan of a client that needs more, or find one that misbehaves.',
        sql: `SELECT ${countWhere('status IN (429, 403)', 'refused')}, api_key_id, ${countWhere('status = 429', 'throttled')}, ${countWhere('status = 403', 'forbidden')} ${FROM} WHERE ${API_FILTER} AND api_key_id IS NOT NULL GROUP BY api_key_id HAVING ${COUNT_WHERE('status IN (429, 403)')} > 0 ORDER BY refused DESC LIMIT 10`,
        x: ['refused', 'api_key_id', 'throttled', 'forbidden'],
        y: [],
        w: 96,
        h: 16,
        numbers: 'count',
      },
      {
        type: 'line',
        title: 'Authorizer p95 latency per minute (ms)',
        description:
          "How long the Lambda authorizer took (`$context.authorizer.latency`), p95. It adds to every uncached request: cache its result (the authorizer's TTL) or make it faster when this rises.",
        sql: `SELECT ${MINUTE}, ${percentile('authorizer_latency', 0.95)} AS authorizer_p95_ms ${FROM} WHERE ${API_FILTER} AND authorizer_latency IS NOT NULL GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['authorizer_p95_ms'],
        w: 64,
        h: 16,
        numbers: 'ms',
        color: COLOR.deepPurple,
      },
      {
        type: 'bar',
        title: 'Authorizer errors per minute',
        description:
          'Requests whose authorizer failed or answered an error (`$context.authorizer.status` 4xx/5xx, or `$context.authorizer.error`). 500s are the authorizer itself (see its logs); 401 and 403 are callers it refused.',
        sql: `SELECT ${MINUTE}, ${COUNT} AS authorizer_errors ${FROM} WHERE ${API_FILTER} AND (authorizer_status >= 400 OR authorizer_error IS NOT NULL) GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['authorizer_errors'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.red,
      },
      {
        type: 'bar',
        title: 'WAF blocks per minute',
        description:
          "Requests the web ACL blocked (`$context.wafResponseCode` WAF_BLOCK, or error type WAF_FILTERED). A burst is an attack or a rule that blocks real clients: check the web ACL's sampled requests.",
        sql: `SELECT ${MINUTE}, ${COUNT} AS waf_blocks ${FROM} WHERE ${API_FILTER} AND (waf_response_code = 'WAF_BLOCK' OR error_response_type = 'WAF_FILTERED') GROUP BY minute ORDER BY minute ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['waf_blocks'],
        w: 64,
        h: 16,
        numbers: 'count',
        color: COLOR.amber,
      },
    ],
  },
  {
    name: 'Pipeline',
    panels: [
      {
        type: 'area-stacked',
        title: 'Events per minute by log format',
        description:
          'Every event of the stream by how the processor read it (all APIs; the variables do not apply). `raw` (red) means lines no format read: the stage format and LOG_FORMAT differ. Nothing at all: run `npm run doctor`.',
        sql: `SELECT ${MINUTE}, log_format, ${COUNT} AS events ${FROM} GROUP BY minute, log_format ORDER BY minute, log_format ${MINUTE_ROWS}`,
        x: ['minute'],
        y: ['events'],
        breakdown: ['log_format'],
        w: 96,
        h: 16,
        numbers: 'count',
        seriesColors: LOG_FORMAT_COLORS,
      },
      {
        // Bars, not a pie: the UI prints a pie's percentages inside its slices, where small slices'
        // labels overlap (web/src/utils/dashboard/sql/charts/convertSQLPieDonutChart.ts at v0.90.0).
        type: 'h-bar',
        title: 'Events by log format',
        description:
          'Events per reading. Expect one format per stage; `labels`, `json` or `raw` next to it means some stage writes another format than LOG_FORMAT.',
        sql: `SELECT log_format, ${COUNT} AS events ${FROM} GROUP BY log_format ORDER BY events DESC`,
        x: ['log_format'],
        y: ['events'],
        w: 96,
        h: 16,
        numbers: 'count',
        color: COLOR.blue,
      },
      {
        type: 'table',
        title: 'Unparsed lines by reason',
        description:
          "Events with `log_format = raw` (ON_PARSE_ERROR=keep), by `parse_error`. Set LOG_FORMAT to the stage's exact format string (`npm run stage-logs` shows it).",
        sql: `SELECT ${COUNT} AS events, parse_error ${FROM} WHERE log_format = 'raw' GROUP BY parse_error ORDER BY events DESC`,
        x: ['events', 'parse_error'],
        y: [],
        w: 96,
        h: 16,
        numbers: 'count',
      },
      {
        type: 'table',
        title: 'Latest unparsed lines',
        description: 'The newest lines no format read, as they arrived (`message`).',
        sql: `SELECT _timestamp, parse_error, message ${FROM} WHERE log_format = 'raw' ORDER BY _timestamp DESC LIMIT 20`,
        x: ['_timestamp', 'parse_error', 'message'],
        y: [],
        w: 96,
        h: 16,
        numbers: 'count',
      },
    ],
  },
];

const GRID_COLUMNS = 192;

const axis = (column: string, label = column) => ({ label, alias: column, column, color: null });

/** Several series: a legend, and a colour per series name; one series: one fixed colour. */
const hasSeveralSeries = (panel: PanelSpec) =>
  (panel.breakdown?.length ?? 0) > 0 || panel.y.length > 1;

/**
 * The y items of a chart. OpenObserve v0.90.0 draws a vertical chart's only y item's label as the
 * y-axis title, at a distance computed from the widest data value rather than the widest tick
 * label, so the title overlaps the ticks whenever the axis rounds up past the data
 * (web/src/utils/dashboard/sql/shared/contextBuilder.ts at v0.90.0, `nameGap`; placed by the
 * widest tick from v0.92.0). Such an item gets no label: the panel title names the measure.
 */
function yItems(panel: PanelSpec) {
  const untitled = ['line', 'area-stacked', 'bar'].includes(panel.type) && panel.y.length === 1;
  return panel.y.map((column) => axis(column, untitled ? '' : column));
}

/**
 * `config.color` as the UI's colour settings write it: a series' entry in `colorBySeries` wins
 * over the mode (web/src/utils/dashboard/colorPalette.ts at v0.90.0, `getSeriesColor`;
 * web/src/components/dashboards/addPanel/ColorBySeriesPopUp.vue for the entries' shape).
 */
function colorConfig(panel: PanelSpec) {
  if (panel.seriesColors) {
    return {
      mode: 'palette-classic-by-series',
      fixedColor: [],
      seriesBy: 'last',
      colorBySeries: panel.seriesColors.map(([value, color]) => ({ type: 'value', value, color })),
    };
  }
  if (panel.color) return { mode: 'fixed', fixedColor: [panel.color], seriesBy: 'last' };
  return undefined;
}

/** A panel's `config` (src/config/src/meta/dashboards/v8/mod.rs at v0.90.0, `PanelConfig`). */
function panelConfig(panel: PanelSpec) {
  const color = colorConfig(panel);
  return {
    show_legends: hasSeveralSeries(panel),
    legends_position: null,
    ...NUMBER_FORMATS[panel.numbers],
    ...(color ? { color } : {}),
    ...(panel.xLabelRotate ? { axis_label_rotate: panel.xLabelRotate } : {}),
    // A table formats every number with the panel's unit unless a column overrides it
    // (web/src/utils/dashboard/tableConfigUtils.ts at v0.90.0, `parseOverrideConfigs`).
    ...(panel.msColumns
      ? {
          override_config: panel.msColumns.map((column) => ({
            field: { matchBy: 'name', value: column },
            config: [{ type: 'unit', value: { unit: 'custom', customUnit: 'ms' } }],
          })),
        }
      : {}),
  };
}

/** Places panels left to right, wrapping at the grid's width; a row is as tall as its tallest. */
function layOut(panels: readonly PanelSpec[]) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel, index) => {
    if (x + panel.w > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const layout = { x, y, w: panel.w, h: panel.h, i: index + 1 };
    x += panel.w;
    rowHeight = Math.max(rowHeight, panel.h);
    return layout;
  });
}

/**
 * Values a filter lists: without a size the UI asks for 10 (the first ten paths of a fleet's
 * hundreds), so it is given one; a value not listed can still be typed and searched.
 */
const LISTED_VALUES = 500;

const queryValues = (stream: string, name: string, label: string) => ({
  type: 'query_values',
  name,
  label,
  query_data: {
    stream_type: 'logs',
    stream,
    field: name,
    max_record_size: LISTED_VALUES,
    filter: [],
  },
  value: '',
  options: [],
  // Field names from web/src/components/dashboards/settings/AddSettingVariable.vue: the variable
  // list is camelCase except `query_data` (src/config/src/meta/dashboards/v8/mod.rs).
  multiSelect: true,
  hideOnDashboard: false,
  selectAllValueForMultiSelect: 'all',
  customMultiSelectValue: [],
  escapeSingleQuotes: true,
});

/** The dashboard as OpenObserve's schema version 8 takes it (§6). */
export function buildDashboard(stream: string = DEFAULT_STREAM) {
  return {
    version: 8,
    title: dashboardTitle(stream),
    description:
      'API Gateway REST access logs, read by the apigw-firehose-openobserve processor: traffic, errors, latency, throttling, and the health of the log pipeline itself.',
    tabs: TABS.map((tab, tabIndex) => {
      const layouts = layOut(tab.panels);
      return {
        tabId: tabIndex === 0 ? 'default' : tab.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        name: tab.name,
        panels: tab.panels.map((panel, index) => ({
          id: `Panel_${tabIndex + 1}_${index + 1}`,
          type: panel.type,
          title: panel.title,
          description: panel.description,
          config: panelConfig(panel),
          queryType: 'sql',
          queries: [
            {
              query: panel.sql,
              vrlFunctionQuery: '',
              customQuery: true,
              fields: {
                stream,
                stream_type: 'logs',
                x: panel.x.map((column) => axis(column)),
                y: yItems(panel),
                z: [],
                breakdown: (panel.breakdown ?? []).map((column) => axis(column)),
                filter: { filterType: 'group', logicalOperator: 'AND', conditions: [] },
              },
              config: {
                promql_legend: '',
                layer_type: 'scatter',
                weight_fixed: 1,
                limit: 0,
                min: 0,
                max: 100,
              },
            },
          ],
          layout: layouts[index],
        })),
      };
    }),
    variables: {
      list: [
        { type: 'textbox', name: 'stream', label: 'Stream', value: stream, options: [] },
        queryValues(stream, 'aws_account_id', 'Account'),
        queryValues(stream, 'aws_region', 'Region'),
        queryValues(stream, 'api_id', 'API id'),
        queryValues(stream, 'stage', 'Stage'),
        queryValues(stream, 'resource_path', 'Resource'),
        queryValues(stream, 'http_method', 'Method'),
      ],
      showDynamicFilters: false,
    },
    defaultDatetimeDuration: { type: 'relative', relativeTimePeriod: '1h' },
  };
}
