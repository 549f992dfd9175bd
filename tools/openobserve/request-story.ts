/**
 * The whole story of one request, read back from OpenObserve: its access event, the execution-log
 * lines API Gateway wrote for it in order, and a link to its trace in OpenObserve's trace view
 * (docs/contracts.md §8: OpenObserve links by `trace_id`).
 */
import { RefusedError, UnexpectedAnswerError } from '../cli/errors';
import { terminalText } from '../cli/output';
import type { Json, OpenObserveApi } from './api';
import { searchEvents } from './search';

export interface RequestStory {
  readonly requestId: string;
  /** The access-log event; null when none was found in the range. */
  readonly access: Json | null;
  /** Execution-log events, oldest first. */
  readonly execution: Json[];
  readonly trace: { readonly id: string; readonly url: string } | null;
}

/** API Gateway request ids are UUIDs (and test ids of letters, digits and dashes). */
const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;
/** OpenObserve's trace view shows ±15 minutes around an event (web/src/plugins/logs/SearchResult.vue). */
const TRACE_MARGIN_US = 900_000_000;

export interface StoryOptions {
  readonly org: string;
  readonly stream: string;
  /** The traces stream the link opens. */
  readonly tracesStream: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** The link OpenObserve's log view builds to a trace (route `traces/trace-details`, v0.90.0). */
export function traceUrl(
  base: string,
  traceId: string,
  timestampUs: number,
  options: StoryOptions,
) {
  const query = new URLSearchParams({
    stream: options.tracesStream,
    trace_id: traceId,
    from: String(timestampUs - TRACE_MARGIN_US),
    to: String(timestampUs + TRACE_MARGIN_US),
    org_identifier: options.org,
  });
  return `${base}/web/traces/trace-details?${query}`;
}

export async function readRequestStory(
  api: OpenObserveApi,
  requestId: string,
  options: StoryOptions,
): Promise<RequestStory> {
  if (!REQUEST_ID.test(requestId)) {
    throw new RefusedError(`"${requestId}" is not a request id (letters, digits and dashes)`);
  }
  const sql = `SELECT * FROM "${options.stream.replaceAll('"', '')}" WHERE request_id = '${requestId}' ORDER BY _timestamp`;
  const events = await searchEvents(api, options.org, sql, options);
  const untimed = events.find((event) => typeof event._timestamp !== 'number');
  if (untimed) {
    throw new UnexpectedAnswerError(
      `OpenObserve's search answer has an event without a numeric _timestamp: ${JSON.stringify(untimed).slice(0, 120)}`,
    );
  }
  const access = events.find((event) => event.log_format !== 'execution') ?? null;
  const execution = events.filter((event) => event.log_format === 'execution');
  const traced = [access, ...execution].find((event) => typeof event?.trace_id === 'string');
  const trace = traced
    ? {
        id: traced.trace_id as string,
        url: traceUrl(api.base, traced.trace_id as string, requestTimeUs(traced), options),
      }
    : null;
  return { requestId, access, execution, trace };
}

/**
 * When the request was: `_timestamp`, or for an event `replay --old-events restamp` sent late (the
 * time of sending in `_timestamp`), the original it kept in `original_timestamp`.
 */
const requestTimeUs = (event: Json) =>
  typeof event.original_timestamp === 'number'
    ? event.original_timestamp
    : Number(event._timestamp);

const time = (event: Json) =>
  `${new Date(requestTimeUs(event) / 1000).toISOString()}${typeof event.original_timestamp === 'number' ? ' (replayed late: stored at its time of sending)' : ''}`;

/** The access event's facts that answer "what happened" and "who", in reading order. */
const ACCESS_FIELDS = [
  'http_method',
  'resource_path',
  'path',
  'status',
  'response_latency',
  'integration_status',
  'integration_latency',
  'error_response_type',
  'error_message',
  'integration_error',
  'authorizer_status',
  'authorizer_latency',
  'authorizer_error',
  'waf_status',
  'waf_response_code',
  'api_key_id',
  'domain_name',
  'api_id',
  'stage',
  'aws_account_id',
  'aws_region',
];

/** The story on one screen; what a client or a function wrote cannot drive the terminal. */
export function formatRequestStory(story: RequestStory): string[] {
  const lines = [`Request ${story.requestId}`];
  if (!story.access && story.execution.length === 0 && !story.trace) {
    // Nothing at all: why a stage logs no execution lines or traces would mislead.
    lines.push(
      '  no event of this request in the range: check the id, or look further back (--since 7d)',
    );
    return lines;
  }
  if (story.access) {
    lines.push(`  access log, ${time(story.access)}:`);
    for (const name of ACCESS_FIELDS) {
      const value = story.access[name];
      if (value !== undefined && value !== null) {
        lines.push(`    ${name}: ${terminalText(value, '      ')}`);
      }
    }
  } else {
    lines.push('  no access-log event in the range');
  }
  lines.push(
    story.execution.length
      ? `  execution log, ${story.execution.length} line(s):`
      : '  no execution-log lines (execution logging off for the stage, or at ERROR for a request that did not fail)',
  );
  for (const event of story.execution) {
    lines.push(`    ${time(event)}  ${terminalText(event.message ?? '', ' '.repeat(30))}`);
  }
  lines.push(story.trace ? `  trace: ${story.trace.url}` : '  no trace id (X-Ray tracing off)');
  return lines;
}
