/**
 * The SLOs `npm run openobserve -- setup` installs, per API and stage (grouped SLOs): availability
 * (good = not 5xx) and latency (good = `response_latency` at most a bound), over a rolling 30 days,
 * each request counted by `sample_rate`, with OpenObserve's burn-rate alerts. Shapes as
 * OpenObserve's source defines them (docs/contracts.md §6.1): `src/config/src/meta/slo/mod.rs`,
 * `src/core/src/slo/service.rs`, alert conditions in `src/config/src/meta/alerts/condition.rs`.
 */
import type { Json } from './api';
import { WEIGHT } from './sql';
import { DEFAULT_STREAM } from './stream-settings';

export interface SloOptions {
  readonly stream: string;
  /** Percent of requests that must not be 5xx, 0 < t < 100, at most 3 decimals. */
  readonly availability: number;
  /** Percent of requests that must answer within `latencyMs`. */
  readonly latencyTarget: number;
  readonly latencyMs: number;
}

/**
 * One SLO per API and stage, and per account and region: `api_id` alone would merge two
 * accounts' APIs in a central OpenObserve.
 */
export const SLO_GROUP_BY = ['aws_account_id', 'aws_region', 'api_id', 'stage'];
/** Rolling 30 days; grouped SLOs take 300-second slices only. */
const WINDOW_SECS = 30 * 86_400;
const SLICE_SECS = 300;

export const SLO_NAMES = {
  availability: 'api_gateway_availability',
  latency: 'api_gateway_latency',
} as const;

/**
 * An SLO's name for a stream: the default stream's as above, another's followed by the stream's
 * name in lower case (a server may keep capitals: docs/contracts.md §6). SLO names are one per
 * organization, and its burn-rate alerts' names are made of it (lower-case letters, digits and `_`
 * only).
 */
export const sloName = (base: string, stream: string): string =>
  stream === DEFAULT_STREAM ? base : `${base}_${stream.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;

/** Whether an SLO is one setup installs, for any stream. */
export const isOurSlo = (name: string): boolean =>
  Object.values(SLO_NAMES).some((base) => name === base || name.startsWith(`${base}_`));

/** A `dual_query` count: the weighted requests that match `where`, per slice and group. */
function weighted(stream: string, where: string) {
  const columns = SLO_GROUP_BY.join(', ');
  return {
    stream,
    stream_type: 'logs',
    sql: `SELECT histogram(_timestamp, '5 minute') AS slice_start, ${columns}, SUM(${WEIGHT}) AS zo_slo_value FROM "${stream}" WHERE ${where} GROUP BY slice_start, ${columns}`,
  };
}

function slo(name: string, description: string, target: number, good: Json, total: Json) {
  return {
    name,
    description,
    sli_type: 'count',
    config: { source: { mode: 'dual_query', query: { good, total } } },
    group_by: SLO_GROUP_BY,
    window_secs: WINDOW_SECS,
    slice_interval_secs: SLICE_SECS,
    target,
    tags: ['api-gateway'],
    enabled: true,
  };
}

export type SloBody = ReturnType<typeof slo> & { readonly folder_id: string };

/** The SLOs as `POST /api/{org}/slos` takes them, in the folder given. */
export function buildSlos(options: SloOptions, folderId: string): SloBody[] {
  const requests = 'status IS NOT NULL';
  const timed = 'response_latency IS NOT NULL';
  return [
    slo(
      sloName(SLO_NAMES.availability, options.stream),
      `Requests answered without a 5xx, per API and stage, over 30 days (target ${options.availability}%).`,
      options.availability,
      weighted(options.stream, `${requests} AND status < 500`),
      weighted(options.stream, requests),
    ),
    slo(
      sloName(SLO_NAMES.latency, options.stream),
      `Requests answered within ${options.latencyMs} ms, per API and stage, over 30 days (target ${options.latencyTarget}%).`,
      options.latencyTarget,
      weighted(options.stream, `${timed} AND response_latency <= ${options.latencyMs}`),
      weighted(options.stream, timed),
    ),
  ].map((body) => ({ ...body, folder_id: folderId }));
}

/**
 * Multi-window burn-rate alerts, as Google's SRE workbook sets them for 30 days: fast (14.4× over
 * 1 hour: 2% of the budget gone) and slow (6× over 6 hours: 5%). The short window confirms the
 * burn still goes on; OpenObserve wants it a multiple of the slice, at least two slices.
 */
export const BURN_WINDOWS = [
  { name: 'fast_burn', critical: 14.4, longSecs: 3_600, shortSecs: 600 },
  { name: 'slow_burn', critical: 6, longSecs: 21_600, shortSecs: 1_800 },
] as const;

/** A burn rate above 100 / (100 − target) can never be reached: the budget is gone sooner. */
export const maxBurnRate = (target: number) => 100 / (100 - target);

/** A burn-rate alert as `POST /api/v2/{org}/alerts` takes it. */
export function burnAlert(
  sloName: string,
  sloId: string,
  window: (typeof BURN_WINDOWS)[number],
  destinations: readonly string[],
) {
  return {
    name: `${sloName}_${window.name}`,
    stream_type: 'logs',
    stream_name: '',
    is_real_time: false,
    query_condition: {
      type: 'slo',
      slo_condition: {
        slo_id: sloId,
        kind: 'burn_rate',
        operator: '>=',
        critical: window.critical,
        long_window_secs: window.longSecs,
        short_window_secs: window.shortSecs,
      },
    },
    trigger_condition: {
      operator: '=',
      threshold: 0,
      frequency: 1,
      period: 1,
      // Checked every minute; told again while the burn goes on, once per short window: not
      // every minute.
      silence: window.shortSecs / 60,
      frequency_type: 'minutes',
    },
    destinations: [...destinations],
    enabled: true,
    description: `${sloName} burns its error budget ${window.critical}× too fast over ${window.longSecs / 3600} h (and still over the last ${window.shortSecs / 60} min).`,
  };
}
