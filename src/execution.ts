/**
 * API Gateway's execution log (what it did for a request: usage plan, authorizer, integration
 * call, the integration's answer; docs/contracts.md §8), one line at a time: `(<request id>)
 * <message>`. The well-known messages are a table, like the access-log formats: each gives typed
 * facts; any other message stays `message` only. Every entry reads its message with string
 * operations or an anchored expression of bounded parts, so a message a client filled (a request
 * body) costs no more than its length.
 */
import { type Fields, keysNaming } from './fields';
import { epochMs } from './time';
import { traceIdOf } from './trace';

/** `(<request id>) <message>`: the id is letters, digits and dashes. */
export function splitExecutionLine(
  line: string,
): { requestId: string; message: string } | undefined {
  if (line.charCodeAt(0) !== 40 /* ( */) return undefined;
  const close = line.indexOf(') ', 1);
  if (close < 2 || close > 129) return undefined;
  const requestId = line.slice(1, close);
  for (let i = 0; i < requestId.length; i++) {
    const c = requestId.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
    if (!ok) return undefined;
  }
  return { requestId, message: line.slice(close + 2) };
}

export interface ExecutionMessage {
  /** The message starts with this. */
  readonly prefix: string;
  /** The facts of a message that starts with `prefix`, given the rest; undefined when it does not fit. */
  read(rest: string): Fields | undefined;
}

/** The longest `failure_reason` an event keeps: a function's error message can be long. */
const MAX_REASON = 1000;

/**
 * A failure's reason cut to its first 1,000 characters, to group by (`message` keeps it whole),
 * never between the halves of a UTF-16 pair. The object path cuts it as the event's last step,
 * after REDACT: a secret cut in half would no longer look like one.
 */
export function cutFailureReason(fields: Fields): void {
  const reason = fields.failure_reason;
  if (typeof reason !== 'string' || reason.length <= MAX_REASON) return;
  const high = reason.charCodeAt(MAX_REASON - 1);
  fields.failure_reason = reason.slice(
    0,
    high >= 0xd800 && high <= 0xdbff ? MAX_REASON - 1 : MAX_REASON,
  );
}

/** A Lambda request id: a UUID. */
const LAMBDA_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const status = (text: string) => (/^\d{3}$/.test(text) ? Number(text) : undefined);
const whole = (text: string, pattern: RegExp) => pattern.exec(text) ?? undefined;

/**
 * The messages API Gateway writes that carry facts, with the wording of real captures
 * (docs/contracts.md §8). Order does not matter: no prefix starts another.
 */
export const EXECUTION_MESSAGES: readonly ExecutionMessage[] = [
  {
    // Not `status`: an access event has that, and a request must count once (the dashboard,
    // alerts and SLOs count events with a status).
    prefix: 'Method completed with status: ',
    read: (rest) => {
      const code = status(rest);
      return code === undefined ? undefined : { method_status: code };
    },
  },
  {
    // `Received response. Status: 200, Integration latency: 356 ms` (older: no `Status: …, `).
    prefix: 'Received response. ',
    read: (rest) => {
      const match = whole(rest, /^(?:Status: (\d{3}), )?Integration latency: (\d{1,9}) ms$/);
      if (!match) return undefined;
      const fields: Fields = { integration_latency: Number(match[2]) };
      if (match[1]) fields.integration_status = Number(match[1]);
      return fields;
    },
  },
  {
    prefix: 'Execution failed due to a timeout error',
    read: (rest) => (rest === '' ? { failure: 'timeout' } : undefined),
  },
  {
    prefix: 'Execution failed due to configuration error: ',
    read: (rest) => ({ failure: 'configuration', failure_reason: rest }),
  },
  {
    // `Lambda execution failed with status 200 due to customer function error: <message>. Lambda request id: <id>`
    prefix: 'Lambda execution failed with status ',
    read: (rest) => {
      const code = status(rest.slice(0, 3));
      const lead = ' due to customer function error: ';
      if (code === undefined || !rest.startsWith(lead, 3)) return undefined;
      let reason = rest.slice(3 + lead.length);
      const fields: Fields = { failure: 'function', integration_status: code };
      // Only a whole id at the very end: a line cut at 1 KB may have lost it, or cut it, and the
      // function's message may hold the same words (it stays in failure_reason, which REDACT reads).
      const tail = reason.length - 36 - 21;
      if (tail >= 0 && reason.startsWith('. Lambda request id: ', tail)) {
        const id = reason.slice(tail + 21);
        if (LAMBDA_REQUEST_ID.test(id)) {
          fields.integration_request_id = id;
          reason = reason.slice(0, tail);
        }
      }
      fields.failure_reason = reason;
      return fields;
    },
  },
  {
    prefix: 'Lambda invocation failed with status: ',
    read: (rest) => {
      const match = whole(rest, /^(\d{3})\. Lambda request id: ([\w-]{1,128})$/);
      return match
        ? {
            failure: 'invocation',
            integration_status: Number(match[1]),
            integration_request_id: match[2] as string,
          }
        : undefined;
    },
  },
  {
    prefix: 'Key throttle limit exceeded for RestApi ',
    read: (rest) => ({
      failure: 'throttled',
      failure_reason: `Key throttle limit exceeded for RestApi ${rest}`,
    }),
  },
  {
    prefix: 'Unauthorized request: ',
    read: () => ({ authorizer_outcome: 'unauthorized' }),
  },
  {
    prefix: 'Starting authorizer: ',
    read: (rest) => {
      const match = whole(rest, /^(\w{1,64}) for request: [\w-]{1,128}$/);
      return match ? { authorizer_id: match[1] as string } : undefined;
    },
  },
  {
    prefix: 'Successfully completed authorizer execution',
    read: (rest) => (rest === '' ? { authorizer_outcome: 'completed' } : undefined),
  },
  {
    prefix: 'Usage Plan check succeeded for API Key',
    read: () => ({ usage_plan: 'allowed' }),
  },
  {
    prefix: 'Usage Plan check failed',
    read: () => ({ usage_plan: 'failed' }),
  },
  {
    prefix: 'HTTP Method: ',
    read: (rest) => {
      const comma = rest.indexOf(', Resource Path: ');
      if (comma < 1 || comma > 16) return undefined;
      return { http_method: rest.slice(0, comma), resource_path: rest.slice(comma + 17) };
    },
  },
  {
    prefix: 'X-ray Tracing ID : ',
    read: (rest) => {
      const traceId = traceIdOf(rest);
      return traceId ? { trace_id: traceId } : undefined;
    },
  },
  {
    prefix: 'Extended Request Id: ',
    read: (rest) => (/^[\w=+/-]{1,128}$/.test(rest) ? { extended_request_id: rest } : undefined),
  },
  {
    prefix: 'AWS Integration Endpoint RequestId : ',
    read: (rest) => (/^[\w-]{1,128}$/.test(rest) ? { integration_request_id: rest } : undefined),
  },
];

/**
 * Every field an execution-log event can have: its line's request id and message, the API and
 * stage of its source, and the facts of the table above (a test reads each of its messages), for
 * the rules to name (parse.ts, eventFields).
 */
export const EXECUTION_FIELDS: readonly string[] = [
  'request_id',
  'api_id',
  'stage',
  'message',
  'method_status',
  'integration_status',
  'integration_latency',
  'integration_request_id',
  'failure',
  'failure_reason',
  'authorizer_outcome',
  'authorizer_id',
  'usage_plan',
  'http_method',
  'resource_path',
  'trace_id',
  'extended_request_id',
];

/** The table's entries by the first character of their prefix: a message is compared with those only. */
const ENTRIES_BY_FIRST = new Map<number, ExecutionMessage[]>();
for (const entry of EXECUTION_MESSAGES) {
  const first = entry.prefix.charCodeAt(0);
  ENTRIES_BY_FIRST.set(first, [...(ENTRIES_BY_FIRST.get(first) ?? []), entry]);
}

/** The facts of one message: those of the table entry it starts with, or none. */
export function executionFacts(message: string): Fields {
  const entries = ENTRIES_BY_FIRST.get(message.charCodeAt(0));
  if (entries) {
    for (const entry of entries) {
      if (message.startsWith(entry.prefix)) {
        return entry.read(message.slice(entry.prefix.length)) ?? {};
      }
    }
  }
  return {};
}

const SOURCE =
  /^arn:[\w-]{1,32}:apigateway:[\w-]{1,32}:\d{0,12}:\/restapis\/(\w{1,64})\/stages\/([\w-]{1,128})$/;
let lastArn: string | undefined;
let lastSource: { api_id: string; stage: string } | undefined;

/**
 * A delivery source's resource, `arn:…:apigateway:{region}:{account}:/restapis/{id}/stages/{stage}`.
 * The last one read is kept, since a delivery's records all name the same stage (executionEvent
 * copies it into each event).
 */
export function executionSource(arn: string): { api_id: string; stage: string } | undefined {
  if (arn !== lastArn) {
    const match = SOURCE.exec(arn);
    lastArn = arn;
    lastSource = match ? { api_id: match[1] as string, stage: match[2] as string } : undefined;
  }
  return lastSource;
}

/** The event of one execution-log line, before enrichment; undefined when it is not one. */
export function executionEvent(
  line: string,
  source?: { api_id: string; stage: string },
): Fields | undefined {
  const split = splitExecutionLine(line);
  if (!split) return undefined;
  // Set one by one, not spread: the same keys in the same order, without a copy of each part.
  const fields: Fields = { request_id: split.requestId };
  if (source) {
    fields.api_id = source.api_id;
    fields.stage = source.stage;
  }
  const facts = executionFacts(split.message);
  for (const key in facts) fields[key] = facts[key] as Fields[string];
  fields.message = split.message;
  return fields;
}

/**
 * Keys, lowercased, of fields only an access-log line has: an object that names one is an
 * access-log line, whatever `payload` it holds (a client's text in a JSON format API Gateway did
 * not escape, §2).
 */
const ACCESS_LOG_KEYS = keysNaming(
  new Set([
    'request_id',
    'status',
    'http_method',
    'source_ip',
    'user_agent',
    'resource_path',
    'response_length',
    'request_time',
    'request_time_epoch',
    'response_latency',
    'integration_latency',
    'protocol',
  ]),
);

/** Whether a key names an access-log field, in any case, with or without `_` and `-`. */
function namesAccessLogField(key: string): boolean {
  const lower = key.toLowerCase();
  if (ACCESS_LOG_KEYS.has(lower)) return true;
  return (
    (lower.includes('_') || lower.includes('-')) && ACCESS_LOG_KEYS.has(lower.replace(/[-_]/g, ''))
  );
}

/** The names AWS's resource specification gives a log delivery's fields, lowercased (§8). */
const DELIVERY_NAMES = new Set(['payload', 'resource_arn', 'event_timestamp', 'stage']);

/**
 * The delivery's fields by their names in any case (its field names are not documented): the first
 * key of each name, in one pass over the object's keys. Three variables, not a map of the names,
 * which made the benchmark's delivery batch slower. No payload when a key names an access-log
 * field, nor when another key than the delivery's (PAYLOAD, RESOURCE_ARN, EVENT_TIMESTAMP, STAGE)
 * comes without a stage's ARN in resource_arn or after a first key that is not the delivery's: a
 * JSON access-log line whose client's text (a quote API Gateway did not escape, §2) poses as
 * `payload` and `resource_arn` has keys of its own, whatever they are named, and the stage's
 * format's own key first (a client writes only after it), while a delivery's record with a key the
 * specification does not name is still read.
 */
function deliveryFields(object: Record<string, unknown>) {
  let payload: unknown;
  let arn: unknown;
  let time: unknown;
  let payloadSeen = false;
  let arnSeen = false;
  let timeSeen = false;
  let others = false;
  let deliveryFirst: boolean | undefined;
  for (const key in object) {
    // Only a key no longer than the longest name is lowercased (no longer one lowercases to one).
    const name = key.length <= 15 ? key.toLowerCase() : '';
    // Not `stage`, which a stage's own format may well start with.
    deliveryFirst ??= name === 'payload' || name === 'resource_arn' || name === 'event_timestamp';
    if (name === 'payload' && !payloadSeen) {
      payloadSeen = true;
      payload = object[key];
    } else if (name === 'resource_arn' && !arnSeen) {
      arnSeen = true;
      arn = object[key];
    } else if (name === 'event_timestamp' && !timeSeen) {
      timeSeen = true;
      time = object[key];
    } else if (namesAccessLogField(key)) {
      return { payload: undefined, arn, time };
    } else if (!DELIVERY_NAMES.has(name)) {
      others = true;
    }
  }
  if (others && !(deliveryFirst && typeof arn === 'string' && executionSource(arn))) {
    return { payload: undefined, arn, time };
  }
  return { payload, arn, time };
}

/**
 * Epoch milliseconds of a number or a string of digits, in milliseconds or seconds (epochMs: the
 * delivery's unit is not documented); undefined for anything else, or a time `_timestamp` cannot
 * hold (the record's arrival is taken then).
 */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return epochMs(value);
  return typeof value === 'string' && /^\d{1,16}$/.test(value) ? epochMs(Number(value)) : undefined;
}

/**
 * A line of a plain record that is an execution-log line: bare, `(<request id>) <message>` (a
 * log delivery's PLAIN output), or a log delivery's JSON record, whose `payload` holds the line,
 * `resource_arn` the stage and `event_timestamp` the time (the names AWS's resource specification
 * gives a delivery's fields, in any case; the record's shape is not documented: docs/contracts.md
 * §8). Undefined for any other line, and for an object that names an access-log field or has
 * another key without a stage's ARN (deliveryFields): a client's text can pose as `payload` in an
 * access-log line. Only a line that starts with `(`, or with `{` and names a payload, is looked at.
 */
export function readExecutionRecord(line: string): { fields: Fields; timeMs?: number } | undefined {
  const first = line.charCodeAt(0);
  if (first === 40 /* ( */) {
    const fields = executionEvent(line);
    return fields ? { fields } : undefined;
  }
  if (first !== 123 /* { */ || !/"payload"/i.test(line)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { payload, arn, time } = deliveryFields(parsed as Record<string, unknown>);
  if (typeof payload !== 'string') return undefined;
  const fields = executionEvent(
    payload,
    typeof arn === 'string' ? executionSource(arn) : undefined,
  );
  if (!fields) return undefined;
  const timeMs = timeOf(time);
  return timeMs === undefined ? { fields } : { fields, timeMs };
}
