/**
 * How the API health SLOs stand: each SLO's value, budget left and burn rate, for the whole and
 * per group (account, region, API and stage), from `GET /api/{org}/slos` and
 * `GET /api/{org}/slos/{id}/groups` (docs/contracts.md §6.1).
 */
import { ApiError, RefusedError } from '../cli/errors';
import { table } from '../cli/output';
import { field, isObjectList, isString, type Json, type OpenObserveApi } from './api';
import { isOurSlo } from './slos';
import { SLO_SINCE } from './version';

export interface SloGroupStatus {
  /** `aws_account_id=…,aws_region=…,api_id=…,stage=…` as fields; empty for the whole SLO. */
  readonly group: Record<string, string>;
  /** Percentages; null while the SLO has too little data (`no_data`). */
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  readonly burnRate: number | null;
  readonly noData: boolean;
}

export interface SloStatus {
  readonly name: string;
  readonly id: string;
  readonly target: number;
  readonly overall: SloGroupStatus | null;
  readonly groups: SloGroupStatus[];
}

const numberOrNull = (value: unknown) => (typeof value === 'number' ? value : null);

function groupStatus(view: Json): SloGroupStatus {
  const key = typeof view.group_key === 'string' ? view.group_key : '';
  const group = Object.fromEntries(
    key
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return {
    group,
    sli: numberOrNull(view.sli),
    errorBudgetRemaining: numberOrNull(view.error_budget_remaining),
    burnRate: numberOrNull(view.burn_rate),
    noData: view.no_data === true,
  };
}

/** The API health SLOs and how each stands, overall and per group. */
export async function readSloStatus(api: OpenObserveApi, orgId: string): Promise<SloStatus[]> {
  const org = encodeURIComponent(orgId);
  let listed: Json;
  try {
    listed = await api.request('GET', `/api/${org}/slos`);
  } catch (error) {
    if (error instanceof ApiError && [404, 501].includes(error.status)) {
      throw new RefusedError(
        `this OpenObserve has no SLO API to read (${error.message}); it came with ${SLO_SINCE}`,
        { cause: error },
      );
    }
    throw error;
  }
  const statuses: SloStatus[] = [];
  for (const item of field(listed, 'list', isObjectList, 'GET /api/{org}/slos')) {
    if (typeof item.name !== 'string' || !isOurSlo(item.name)) continue;
    const id = field(item, 'id', isString, 'the SLO list');
    const groups = await api.request('GET', `/api/${org}/slos/${encodeURIComponent(id)}/groups`);
    statuses.push({
      name: item.name,
      id,
      target: Number(item.target),
      overall:
        item.status && typeof item.status === 'object' ? groupStatus(item.status as Json) : null,
      groups: field(groups, 'list', isObjectList, 'GET /api/{org}/slos/{id}/groups').map(
        groupStatus,
      ),
    });
  }
  return statuses;
}

const percent = (value: number | null) => (value === null ? '—' : `${value.toFixed(3)}%`);
const times = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);

/** One table: an SLO's overall line, then a line per account, region, API and stage. */
export function formatSloStatus(statuses: readonly SloStatus[]): string[] {
  if (statuses.length === 0) {
    return ['No API health SLO in this organization: npm run openobserve -- setup installs them.'];
  }
  const row = (slo: SloStatus, where: string[], status: SloGroupStatus | null) => [
    slo.name,
    `${slo.target}%`,
    ...where,
    status?.noData ? 'no data yet' : percent(status?.sli ?? null),
    percent(status?.errorBudgetRemaining ?? null),
    times(status?.burnRate ?? null),
  ];
  const rows = statuses.flatMap((slo) => [
    row(slo, ['all', '', '', ''], slo.overall),
    ...slo.groups.map((group) =>
      row(
        slo,
        ['aws_account_id', 'aws_region', 'api_id', 'stage'].map((key) => group.group[key] ?? ''),
        group,
      ),
    ),
  ]);
  return table(
    ['SLO', 'target', 'account', 'region', 'API', 'stage', 'value', 'budget left', 'burn rate'],
    rows,
  );
}
