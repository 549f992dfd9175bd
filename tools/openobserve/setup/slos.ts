/**
 * The SLOs per API and stage, and their burn-rate alerts (with a destination): found by name,
 * created or updated whole (a PUT replaces the SLO: what GET gave is sent back with our fields).
 * An OpenObserve without the SLO API, or with it turned off, gets everything else
 * (docs/contracts.md §6.1).
 */
import { ApiError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import { overTheirs, updateOf } from '../alerts';
import { field, isObjectList, isString, type Json, type OpenObserveApi } from '../api';
import {
  BURN_WINDOWS,
  buildSlos,
  burnAlert,
  maxBurnRate,
  type SloBody,
  type SloOptions,
} from '../slos';
import { keptStreamName } from '../stream-settings';
import { olderThan, SLO_SINCE } from '../version';
import { alertsNamed } from './alerts';
import type { FolderRef } from './folders';
import { nothing, type SetupPart, sameAsDesired, strings } from './part';

const skippedOnly = (line: string): SetupPart => ({
  changes: [],
  skipped: [line],
  readBack: nothing,
});

/** The SLOs there are, by name; undefined when this OpenObserve has no SLO API (a reason). */
async function listSlos(api: OpenObserveApi, org: string): Promise<Map<string, Json> | string> {
  let answer: Json;
  try {
    answer = await api.request('GET', `/api/${org}/slos`);
  } catch (error) {
    if (!(error instanceof ApiError) || ![404, 501].includes(error.status)) throw error;
    return error.status === 404
      ? `this OpenObserve answers 404 for its SLO API, which came with ${SLO_SINCE}`
      : `this OpenObserve has its SLO API turned off (${error.detail}); set ZO_SLO_ENABLED=true`;
  }
  const found = new Map<string, Json>();
  for (const item of field(answer, 'list', isObjectList, 'GET /api/{org}/slos')) {
    if (typeof item.name === 'string') found.set(item.name, item);
  }
  return found;
}

export interface SloPartOptions extends SloOptions {
  readonly org: string;
  readonly alertDestination?: string;
  /** The folder named for what setup creates. */
  readonly folder?: string;
}

interface Planned {
  readonly desired: SloBody;
  /** The SLO's id, known once it exists. */
  readonly ref: { id: string };
  /** The folder an existing SLO is in: it stays there. */
  readonly folderId?: string;
}

/**
 * An SLO as sent: an existing one in its folder, a new one in setup's, whose id a new folder has
 * only once it was made.
 */
const placed = (planned: Planned, folder: FolderRef): SloBody => ({
  ...planned.desired,
  folder_id: planned.folderId ?? folder.id,
});

/** The change that creates or updates one SLO, if it differs. */
function sloChange(
  api: OpenObserveApi,
  org: string,
  planned: Planned,
  folder: FolderRef,
  current?: Json,
): Change | undefined {
  const { desired, ref } = planned;
  if (!current) {
    return {
      describe: `SLO ${desired.name}: create (target ${desired.target}%, 30 days, per API and stage)`,
      apply: async () => {
        const created = await api.request('POST', `/api/${org}/slos`, placed(planned, folder));
        ref.id = field(created, 'id', isString, 'POST /api/{org}/slos');
      },
    };
  }
  const sent = placed(planned, folder);
  if (sameAsDesired(sent, current)) return undefined;
  const { status: _status, ...kept } = current;
  const differ = Object.keys(sent).filter(
    (key) => !sameAsDesired(sent[key as keyof typeof sent], current[key]),
  );
  return {
    describe: `SLO ${desired.name}: update ${differ.join(', ')}`,
    apply: async () => {
      await api.request('PUT', `/api/${org}/slos/${encodeURIComponent(ref.id)}`, {
        ...kept,
        ...placed(planned, folder),
      });
    },
  };
}

/** The burn-rate alerts of one SLO: created or updated at apply, when its id is known. */
function burnChanges(
  api: OpenObserveApi,
  org: string,
  planned: Planned,
  existing: Map<string, Json>,
  context: { folder: FolderRef; destination: string },
): {
  changes: Change[];
  skipped: string[];
  creates: boolean;
  desired: () => ReturnType<typeof burnAlert>[];
} {
  const { desired: slo, ref } = planned;
  const windows = BURN_WINDOWS.filter((window) => window.critical <= maxBurnRate(slo.target));
  const skipped = BURN_WINDOWS.filter((window) => !windows.includes(window)).map(
    (window) =>
      `alert ${slo.name}_${window.name}: not installed. A burn rate of ${window.critical}× cannot happen with a target of ${slo.target}% (at most ${maxBurnRate(slo.target).toFixed(2)}×)`,
  );
  const alertsOf = () =>
    windows.map((window) =>
      overTheirs(
        burnAlert(slo.name, ref.id, window, [context.destination]),
        existing.get(`${slo.name}_${window.name}`),
        context.destination,
      ),
    );
  const changes: Change[] = [];
  let creates = false;
  for (const [index, window] of windows.entries()) {
    const name = `${slo.name}_${window.name}`;
    const current = existing.get(name);
    if (current && ref.id && sameAsDesired(alertsOf()[index], current)) continue;
    creates ||= current === undefined;
    changes.push({
      describe: `alert ${name}: ${current ? 'update' : 'create'} (burn rate ${window.critical}× over ${window.longSecs / 3600} h)`,
      apply: async () => {
        const alert = alertsOf()[index];
        if (!current) {
          await api.request(
            'POST',
            `/api/v2/${org}/alerts?folder=${encodeURIComponent(context.folder.id)}`,
            alert,
          );
        } else {
          const id = field(current, 'id', isString, 'GET /api/v2/{org}/alerts/{id}');
          await api.request(
            'PUT',
            `/api/v2/${org}/alerts/${encodeURIComponent(id)}`,
            updateOf(alert, current, id),
          );
        }
      },
    });
  }
  return { changes, skipped, creates, desired: alertsOf };
}

/** The stream an SLO that is there counts requests of, as its query names it. */
function streamOf(slo: Json | undefined): string | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: an answer read field by field, each checked.
  const stream = (slo as any)?.config?.source?.query?.total?.stream;
  return typeof stream === 'string' ? stream : undefined;
}

/**
 * An SLO as setup sends it over one that is there: what people set on it stays, its being turned
 * off and the tags added to it (setup's tag is added).
 */
function sloOverTheirs(desired: SloBody, current: Json | undefined): SloBody {
  if (!current) return desired;
  return {
    ...desired,
    enabled: typeof current.enabled === 'boolean' ? current.enabled : desired.enabled,
    tags: [...new Set([...strings(current.tags), ...desired.tags])],
  };
}

/**
 * The SLOs to install, each with its id and folder when it exists; those whose queries name a
 * field the stream lacks are left out, and said in `skipped`, as is one that stays in another
 * folder than --folder names.
 */
function planSlos(
  options: SloPartOptions,
  folder: FolderRef,
  existing: Map<string, Json>,
  lacks: (sql: string) => string[],
  skipped: string[],
): Planned[] {
  const planned: Planned[] = [];
  for (const desired of buildSlos(options, folder.id)) {
    const { good, total } = desired.config.source.query;
    const lacking = lacks(`${good.sql} ${total.sql}`);
    if (lacking.length) {
      skipped.push(
        `SLO ${desired.name}: not installed yet. The stream has no ${lacking.join(', ')} yet, and OpenObserve fails a query that names a field it does not have; rerun once events with it arrived`,
      );
      continue;
    }
    const current = existing.get(desired.name);
    const watches = streamOf(current);
    // One that watches this stream's lower-case name (a setup run before the first event on a
    // server that keeps capitals made it) is this stream's, and moves to it.
    if (watches !== undefined && keptStreamName(watches) !== keptStreamName(options.stream)) {
      // `team:prod` and `team_prod` give one name: each run for one took the other's over.
      skipped.push(
        `SLO ${desired.name}: not installed. An SLO of that name watches stream "${watches}", whose name gives the same SLO names as "${options.stream}"; it is left as it is`,
      );
      continue;
    }
    const { id, folder_id: folderId } = current ?? {};
    planned.push({
      desired: sloOverTheirs(desired, current),
      ref: { id: typeof id === 'string' ? id : '' },
      ...(typeof folderId === 'string' ? { folderId } : {}),
    });
    if (options.folder && typeof folderId === 'string' && folderId !== folder.id) {
      skipped.push(
        `SLO ${desired.name} is in folder ${folderId}, not "${options.folder}": it stays there`,
      );
    }
  }
  return planned;
}

export async function slosPart(
  api: OpenObserveApi,
  options: SloPartOptions,
  version: string,
  folder: FolderRef,
  lacks: (sql: string) => string[] = () => [],
): Promise<SetupPart> {
  if (olderThan(version, SLO_SINCE)) {
    return skippedOnly(
      `SLOs: not installed. OpenObserve ${version} has no SLO API; it came with ${SLO_SINCE}. Upgrade OpenObserve and rerun to add them; everything else is installed`,
    );
  }
  const org = encodeURIComponent(options.org);
  const existing = await listSlos(api, org);
  if (typeof existing === 'string') return skippedOnly(`SLOs: not installed: ${existing}`);
  const changes: Change[] = [];
  const skipped: string[] = [];
  const planned = planSlos(options, folder, existing, lacks, skipped);
  const burnAlerts: (() => ReturnType<typeof burnAlert>[])[] = [];
  const destination = options.alertDestination;
  const names = planned.flatMap(({ desired }) =>
    BURN_WINDOWS.map((w) => `${desired.name}_${w.name}`),
  );
  const alerts = destination ? await alertsNamed(api, org, names) : new Map<string, Json>();
  let creates = false;
  for (const entry of planned) {
    const current = existing.get(entry.desired.name);
    const change = sloChange(api, org, entry, folder, current);
    if (change) changes.push(change);
    creates ||= current === undefined;
    if (!destination) continue;
    const burn = burnChanges(api, org, entry, alerts, { folder, destination });
    changes.push(...burn.changes);
    skipped.push(...burn.skipped);
    burnAlerts.push(burn.desired);
    creates ||= burn.creates;
  }
  if (!destination) {
    skipped.push('SLO burn-rate alerts: not installed without --alert-destination');
  }
  return {
    changes,
    skipped,
    creates,
    readBack: async () => {
      const now = await listSlos(api, org);
      const mismatches = planned
        .filter(
          (entry) =>
            typeof now === 'string' ||
            !sameAsDesired(placed(entry, folder), now.get(entry.desired.name)),
        )
        .map(({ desired }) => `SLO ${desired.name}: reads back other than sent`);
      const wanted = burnAlerts.flatMap((alertsOf) => alertsOf());
      const read = await alertsNamed(
        api,
        org,
        wanted.map((alert) => alert.name),
      );
      for (const alert of wanted) {
        if (!sameAsDesired(alert, read.get(alert.name)))
          mismatches.push(`alert ${alert.name}: reads back other than sent`);
      }
      return mismatches;
    },
  };
}
