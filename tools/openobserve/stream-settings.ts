/** The stream `npm run openobserve -- setup` creates or updates (docs/contracts.md §6). */
import { ENRICHMENTS, FREE_TEXT_FIELDS } from '../../src/surface';
import { field, isObjectList, type OpenObserveApi } from './api';

export const DEFAULT_STREAM = 'api_gateway_access';

/** A stream's name with each run of characters other than letters, digits, `_` and `:` as `_`. */
const formattedStreamName = (name: string): string => name.replace(/[^a-zA-Z0-9_:]+/g, '_');

/**
 * The name OpenObserve keeps a stream under by default, whatever name events were sent to: each run
 * of characters other than letters, digits, `_` and `:` becomes `_`, and letters are lower case
 * (docs/contracts.md §6). Firehose's `…/aws/default/API-Gateway-Prod/_kinesis_firehose` fills
 * `api_gateway_prod`, which searches, dashboards and alerts must name.
 */
export const keptStreamName = (name: string): string => formattedStreamName(name).toLowerCase();

/**
 * The name this server keeps `name`'s events under: keptStreamName, unless the organization has
 * the stream under its capitals. Only a server that keeps capitals (run with
 * ZO_FORMAT_STREAM_NAME_TO_LOWERCASE=false, §6) makes such a stream, so its events are there,
 * even when a lower-case one exists (a setup run before the first event made it). Asks the server
 * only for a name with capitals; before the stream's first event the default's name is the answer.
 */
export async function keptStreamOn(
  api: OpenObserveApi,
  org: string,
  name: string,
): Promise<string> {
  return (await keptStreams(api, org, name)).kept;
}

/**
 * keptStreamOn's answer, and `leftOver`: the lower-case stream, when the one kept under capitals
 * has it beside it (what a setup run before the first event made, and installed for).
 */
export async function keptStreams(
  api: OpenObserveApi,
  org: string,
  name: string,
): Promise<{ kept: string; leftOver?: string }> {
  const lower = keptStreamName(name);
  const cased = formattedStreamName(name);
  if (cased === lower) return { kept: lower };
  const where = 'GET /api/{org}/streams';
  const list = field(
    await api.request('GET', `/api/${org}/streams?type=logs`),
    'list',
    isObjectList,
    where,
  );
  const names = new Set(list.map((stream) => stream.name));
  if (!names.has(cased)) return { kept: lower };
  return names.has(lower) ? { kept: cased, leftOver: lower } : { kept: cased };
}

/**
 * Stream settings (§6), chosen for these queries:
 * - `api_id` and `stage` as secondary index fields, not partition keys: every API panel filters
 *   on them, an index serves any number of APIs and stages, and partitions multiply small files
 *   per value and apply only to data that arrives after the change;
 * - a bloom filter on `request_id`: looking one request up is the most common search;
 * - full-text search only on the free-text fields, so a word search never scans ids and numbers.
 */
export const STREAM_SETTINGS = {
  index_fields: ['api_id', 'stage'],
  bloom_filter_fields: ['request_id'],
  full_text_search_keys: [...FREE_TEXT_FIELDS],
};
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * The fields the processor writes, with their Arrow types (README, "Output fields"). `setup`
 * creates a new stream with them, so every panel and alert can name them before the first event
 * arrives (OpenObserve answers a query on an unknown field with an error, and refuses an alert on a
 * stream without fields).
 */
const INTEGER_COLUMNS = [
  'status',
  'response_length',
  'request_time_epoch',
  'response_latency',
  'integration_latency',
  'integration_status',
  'sample_rate',
  'authorizer_status',
  'authorizer_latency',
  'waf_status',
  'method_status',
  'integration_time_to_first_content',
  'integration_time_to_all_headers',
];
const TEXT_COLUMNS = [
  'request_id',
  'extended_request_id',
  'source_ip',
  'caller',
  'user',
  'user_agent',
  'http_method',
  'resource_path',
  'path',
  'protocol',
  'request_time',
  'error_message',
  'api_id',
  'stage',
  'domain_name',
  'message',
  'error_response_type',
  'integration_error',
  'authorizer_error',
  'waf_response_code',
  'api_key_id',
  'xray_trace_id',
  'failure',
  'failure_reason',
  'authorizer_outcome',
  'authorizer_id',
  'usage_plan',
  'integration_request_id',
  'integration_response_transfer_mode',
];
/** The processor's own fields, each with its kind's type; `_timestamp` is OpenObserve's. */
const OWN_COLUMNS = ENRICHMENTS.filter(({ field }) => field !== '_timestamp').map(
  ({ field, kind }) => ({ name: field, type: kind === 'integer' ? 'Int64' : 'Utf8' }),
);
export const STREAM_FIELDS = [
  ...TEXT_COLUMNS.map((name) => ({ name, type: 'Utf8' })),
  { name: 'parse_error', type: 'Utf8' },
  ...INTEGER_COLUMNS.map((name) => ({ name, type: 'Int64' })),
  ...OWN_COLUMNS,
];

/** A new stream as `POST /api/{org}/streams/{stream}` takes it: the processor's fields. */
export const NEW_STREAM = { fields: STREAM_FIELDS, settings: {} };
