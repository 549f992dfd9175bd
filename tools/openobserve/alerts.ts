/**
 * The alert pack `npm run openobserve -- setup` installs: 5xx rate, p95 latency, throttling and
 * silence, per API and stage (docs/contracts.md §6).
 */
import { isObject, isString, type Json } from './api';
import { COUNT, percentile, WEIGHT } from './sql';

/**
 * Per API and stage, and per account and region: a central OpenObserve holds many accounts, whose
 * `api_id`s alone could meet.
 */
const GROUP = 'aws_account_id, aws_region, api_id, stage';
/**
 * Each row of a notification (`row_template`, a line per row the SQL returned, which a
 * destination's template shows as `{rows}`): whose API it is. Without one `{rows}` is empty, and a
 * page for a fleet of APIs named none of them.
 */
const GROUP_ROW = 'account {aws_account_id} {aws_region}, API {api_id} stage {stage}';

export interface Thresholds {
  /** 5xx responses as a fraction of requests, per API and stage over PERIOD minutes. */
  readonly rate5xx: number;
  /** p95 response latency in ms, per API and stage over PERIOD minutes. */
  readonly p95Ms: number;
  /** 429 responses per API and stage over PERIOD minutes. */
  readonly throttled: number;
  /** Fewer requests than this in PERIOD minutes are too few to judge a rate or a percentile. */
  readonly minRequests: number;
}

/** How often each alert runs, in minutes. */
export const FREQUENCY = 5;
/**
 * Minutes each run looks back: its five and five more. OpenObserve judges a run by `_timestamp`,
 * the request's time, and an event reaches it after Firehose's two buffers (60 s each in the
 * template, up to 900), so a run that looked back only to the last one would never see the events
 * of its last minute or two that had not arrived yet, and the next would not look back that far.
 * Events up to five minutes late are seen by one run at least.
 */
export const PERIOD = 10;

export const DEFAULT_THRESHOLDS: Thresholds = {
  rate5xx: 0.05,
  p95Ms: 1000,
  // 2 a minute, as 10 in the 5 minutes the alerts looked back before.
  throttled: 20,
  minRequests: 20,
};

export interface AlertSpec {
  /** snake_case: OpenObserve refuses other characters in alert names. */
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly sql: string;
  /** A notification's line per row the SQL returned: its columns as `{name}`. */
  readonly row: string;
  /** Minutes looked back. */
  readonly period: number;
}

/** A percentage as people write it: 0.07 is 7, not 7.000000000000001. */
const percent = (fraction: number) => Number((fraction * 100).toPrecision(12));

/**
 * The alert pack. OpenObserve counts the rows an alert's SQL returns and compares that count with
 * `operator threshold` (src/core/src/alerts/mod.rs), so each condition is in the SQL and every
 * alert fires on one row or more. A condition on fewer rows is met by none, but v0.90.0 notifies
 * with the rows it has: none, so nobody (docs/contracts.md §6). "No events" therefore counts the
 * stream's rows, which gives one row even for an empty stream, and keeps it when the count is 0.
 */
export function alertSpecs(stream: string, t: Thresholds): AlertSpec[] {
  const from = `FROM "${stream}"`;
  const errors5xx = `SUM(CASE WHEN status_class = '5xx' THEN ${WEIGHT} ELSE 0 END)`;
  const p95 = percentile('response_latency', 0.95);
  const slow = `SUM(CASE WHEN response_latency > ${t.p95Ms} THEN ${WEIGHT} ELSE 0 END)`;
  return [
    {
      name: 'api_gateway_5xx_rate',
      file: '5xx-rate.json',
      description: `5xx responses above ${percent(t.rate5xx)}% of requests for an API and stage over ${PERIOD} minutes (at least ${t.minRequests} requests).`,
      sql: `SELECT ${GROUP}, ${COUNT} AS requests, ${errors5xx} AS responses_5xx, CAST(${errors5xx} AS DOUBLE) / ${COUNT} AS rate_5xx ${from} WHERE status IS NOT NULL GROUP BY ${GROUP} HAVING ${COUNT} >= ${t.minRequests} AND CAST(${errors5xx} AS DOUBLE) / ${COUNT} > ${t.rate5xx}`,
      row: `${GROUP_ROW}: {responses_5xx} 5xx of {requests} requests (rate {rate_5xx})`,
      period: PERIOD,
    },
    {
      name: 'api_gateway_p95_latency',
      file: 'p95-latency.json',
      description: `p95 response latency above ${t.p95Ms} ms for an API and stage over ${PERIOD} minutes (at least ${t.minRequests} requests): more than 5% of requests slower.`,
      // Exactly: the p95 is above the threshold when more than 5% of the requests are. The
      // percentile function is an estimate (a t-digest), which on a few requests with one slow
      // among them can come out far above every request but that one; it is only shown.
      sql: `SELECT ${GROUP}, ${COUNT} AS requests, ${slow} AS slow_requests, ${p95} AS p95_ms ${from} WHERE response_latency IS NOT NULL GROUP BY ${GROUP} HAVING ${COUNT} >= ${t.minRequests} AND CAST(${slow} AS DOUBLE) / ${COUNT} > 0.05`,
      // No threshold in a row: a row template people did not change stays theirs on an update.
      row: `${GROUP_ROW}: {slow_requests} of {requests} requests over the threshold (p95 about {p95_ms} ms)`,
      period: PERIOD,
    },
    {
      name: 'api_gateway_throttled',
      file: 'throttled.json',
      description: `More than ${t.throttled} throttled (429) responses for an API and stage over ${PERIOD} minutes.`,
      sql: `SELECT ${GROUP}, ${COUNT} AS throttled ${from} WHERE status = 429 GROUP BY ${GROUP} HAVING ${COUNT} > ${t.throttled}`,
      row: `${GROUP_ROW}: {throttled} throttled (429) responses`,
      period: PERIOD,
    },
    {
      name: 'api_gateway_no_events',
      file: 'no-events.json',
      description:
        'No events at all in the stream for 15 minutes: the API has no traffic, or the log pipeline stopped (run `npm run doctor`).',
      // COUNT(*), not the sampled count: a SUM of no rows is NULL, and NULL < 1 keeps no row.
      sql: `SELECT COUNT(*) AS events ${from} HAVING COUNT(*) < 1`,
      row: `stream ${stream}: {events} events in 15 minutes`,
      period: 15,
    },
  ];
}

/** An alert as `POST /api/v2/{org}/alerts` takes it (§6). */
export function buildAlert(spec: AlertSpec, stream: string, destinations: readonly string[]) {
  return {
    name: spec.name,
    stream_type: 'logs',
    stream_name: stream,
    is_real_time: false,
    query_condition: { type: 'sql', sql: spec.sql },
    row_template: spec.row,
    trigger_condition: {
      period: spec.period,
      operator: '>=',
      threshold: 1,
      // Minutes in the v2 API, which converts them to seconds for storage
      // (src/api/management/src/models/alerts/mod.rs, `frequency_minutes`).
      frequency: FREQUENCY,
      frequency_type: 'minutes',
      silence: 30,
    },
    destinations: [...destinations],
    enabled: destinations.length > 0,
    description: spec.description,
  };
}

/**
 * An alert as setup sends it over one that is there: what people set on it stays, the
 * destinations added to it (`destination`, setup's, is added), its being turned off (for
 * maintenance, say), a row template of their own (earlier setups wrote none) and a longer period
 * (for Firehose buffers longer than the template's, docs/openobserve.md); the silence is setup's
 * (an earlier setup's burn alerts had none, and paged every minute). What setup does not set at all
 * stays too: the update sends the alert that is there with these values over it (`updateOf`).
 */
export function overTheirs<
  T extends {
    destinations: string[];
    enabled: boolean;
    trigger_condition: { period: number };
    row_template?: string;
  },
>(alert: T, current: Json | undefined, destination: string): T {
  if (!current) return alert;
  const theirs = Array.isArray(current.destinations) ? current.destinations.filter(isString) : [];
  const trigger: Json = isObject(current.trigger_condition) ? current.trigger_condition : {};
  const ours = alert.trigger_condition;
  return {
    ...alert,
    destinations: theirs.includes(destination) ? theirs : [...theirs, destination],
    enabled: typeof current.enabled === 'boolean' ? current.enabled : alert.enabled,
    trigger_condition: {
      ...trigger,
      ...ours,
      period:
        typeof trigger.period === 'number' ? Math.max(trigger.period, ours.period) : ours.period,
    },
    ...(alert.row_template !== undefined && isString(current.row_template) && current.row_template
      ? { row_template: current.row_template }
      : {}),
  };
}

/** The body of a PUT that updates `current` to `alert`: what setup does not set stays. */
export function updateOf(alert: object | undefined, current: Json, id: string): Json {
  return { ...current, ...alert, id };
}
