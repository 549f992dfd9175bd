/**
 * The alerts: only with a destination, and only on a stream that has fields (OpenObserve refuses
 * both otherwise: src/core/src/alerts/alert.rs); found by name and the stream they watch (another
 * stream's alerts of the same names are its own), created or updated.
 */
import { ApiError, RefusedError } from '../../cli/errors';
import type { Change } from '../../cli/plan';
import {
  type AlertSpec,
  alertSpecs,
  buildAlert,
  overTheirs,
  type Thresholds,
  updateOf,
} from '../alerts';
import { field, isObjectList, isString, type Json, type OpenObserveApi } from '../api';
import type { FolderRef } from './folders';
import { nothing, type SetupPart, sameAsDesired, whoWrites } from './part';

export interface AlertOptions {
  readonly org: string;
  readonly stream: string;
  readonly folder?: string;
  readonly alertDestination?: string;
  readonly thresholds: Thresholds;
}

/** The folder each alert alertsNamed read is in, as the alert list names it. */
const folderOf = new WeakMap<Json, string>();

/**
 * The alerts of these names there are, read whole, by name; with `stream`, only those that watch
 * it (another stream's alerts may have the same names).
 */
export async function alertsNamed(
  api: OpenObserveApi,
  org: string,
  names: readonly string[],
  stream?: string,
): Promise<Map<string, Json>> {
  const listed = await api.request('GET', `/api/v2/${org}/alerts`);
  const found = new Map<string, Json>();
  for (const item of field(listed, 'list', isObjectList, 'GET /api/v2/{org}/alerts')) {
    const name = item.name;
    if (typeof name === 'string' && !found.has(name) && names.includes(name)) {
      const id = field(item, 'alert_id', isString, 'the alert list');
      const alert = await api.request('GET', `/api/v2/${org}/alerts/${encodeURIComponent(id)}`);
      if (stream === undefined || alert.stream_name === stream) {
        found.set(name, alert);
        const folder = item.folder_name || item.folder_id;
        if (isString(folder) && folder) folderOf.set(alert, folder);
      }
    }
  }
  return found;
}

const findAlerts = (
  api: OpenObserveApi,
  org: string,
  stream: string,
  specs: readonly AlertSpec[],
) =>
  alertsNamed(
    api,
    org,
    specs.map((spec) => spec.name),
    stream,
  );

/**
 * The change that puts an alert that is there as `alert` says, naming what differs: a threshold
 * set back to its default by a rerun without its option is seen before it is applied.
 */
function alertUpdate(
  api: OpenObserveApi,
  org: string,
  alert: ReturnType<typeof buildAlert>,
  current: Json,
): Change {
  const id = field(current, 'id', isString, 'GET /api/v2/{org}/alerts/{id}');
  const differ = Object.keys(alert).filter(
    (key) => !sameAsDesired(alert[key as keyof typeof alert], current[key]),
  );
  return {
    describe: `alert ${alert.name}: update ${differ.join(', ')}`,
    apply: async () => {
      await api.request(
        'PUT',
        `/api/v2/${org}/alerts/${encodeURIComponent(id)}`,
        updateOf(alert, current, id),
      );
    },
  };
}

/** Refuses a destination OpenObserve does not have. */
async function checkDestination(api: OpenObserveApi, options: AlertOptions, destination: string) {
  try {
    await api.request(
      'GET',
      `/api/${encodeURIComponent(options.org)}/alerts/destinations/${encodeURIComponent(destination)}`,
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new RefusedError(
        `OpenObserve has no alert destination "${destination}" in organization "${options.org}" (HTTP 404): create it under Management → Alert Destinations, or name another with --alert-destination`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The alert on silence: on a stream that has had no event yet, it fires at once. */
const NO_EVENTS = 'api_gateway_no_events';

/**
 * What a user should know of the alerts as they will be: in another folder than --folder names,
 * turned off by someone, or about to notify on a new stream that has had no event yet.
 */
function notesOn(
  desired: readonly { name: string; enabled: boolean }[],
  existing: Map<string, Json>,
  options: { folder?: string; alertDestination?: string; isNew?: boolean },
): string[] {
  const notes: string[] = [];
  const elsewhere = new Set(
    [...existing.values()]
      .map((alert) => folderOf.get(alert))
      .filter((name): name is string => name !== undefined && name !== options.folder),
  );
  if (options.folder && elsewhere.size > 0) {
    notes.push(
      `alerts: in folder ${[...elsewhere].map((name) => `"${name}"`).join(', ')}, not "${options.folder}": they stay there (move them in OpenObserve's UI)`,
    );
  }
  if (options.isNew && desired.some((alert) => alert.name === NO_EVENTS)) {
    notes.push(
      `alert ${NO_EVENTS}: notifies "${options.alertDestination}" every 30 minutes from its first run until the new stream's first events arrive: send a request through the API, or expect those notifications`,
    );
  }
  for (const alert of desired) {
    if (existing.has(alert.name) && alert.enabled === false) {
      notes.push(
        `alert ${alert.name}: turned off in OpenObserve, and left off: it notifies nobody until it is turned on there`,
      );
    }
  }
  return notes;
}

const skippedOnly = (line: string): SetupPart => ({
  changes: [],
  skipped: [line],
  readBack: nothing,
});

export async function alertsPart(
  api: OpenObserveApi,
  options: AlertOptions,
  stream: {
    readonly hasFields: boolean;
    readonly isNew?: boolean;
    readonly lacks: (sql: string) => string[];
  },
  folder: FolderRef,
): Promise<SetupPart> {
  const org = encodeURIComponent(options.org);
  const destination = options.alertDestination;
  if (!destination) {
    const installed = stream.hasFields
      ? (await findAlerts(api, org, options.stream, alertSpecs(options.stream, options.thresholds)))
          .size
      : 0;
    return skippedOnly(
      installed
        ? `alerts: ${installed} installed for "${options.stream}", left as they are: rerun with --alert-destination NAME to update them`
        : 'alerts: not installed. OpenObserve keeps no alert without a destination, not even a disabled one; create one (Management → Alert Destinations) and rerun with --alert-destination NAME, or import openobserve/alerts/*.json by hand',
    );
  }
  await checkDestination(api, options, destination);
  if (!stream.hasFields) {
    return skippedOnly(
      `alerts: not installed yet. OpenObserve accepts an alert only on a stream that has received data; send a request through the API, wait for it to arrive in "${options.stream}", and rerun`,
    );
  }
  const skipped: string[] = [];
  const specs = alertSpecs(options.stream, options.thresholds).filter((spec) => {
    const lacking = stream.lacks(spec.sql);
    if (lacking.length) {
      skipped.push(
        `alert ${spec.name}: not installed yet. The stream has no ${lacking.join(', ')} yet, and OpenObserve fails a query that names a field it does not have; rerun once events with it arrived (${whoWrites(lacking)})`,
      );
    }
    return lacking.length === 0;
  });
  const existing = await findAlerts(api, org, options.stream, specs);
  const desired = specs.map((spec) =>
    overTheirs(
      buildAlert(spec, options.stream, [destination]),
      existing.get(spec.name),
      destination,
    ),
  );
  const changes: Change[] = [];
  skipped.push(...notesOn(desired, existing, { ...options, isNew: stream.isNew }));
  for (const alert of desired) {
    const current = existing.get(alert.name);
    if (!current) {
      changes.push({
        describe: `alert ${alert.name}: create`,
        apply: async () => {
          await api.request(
            'POST',
            `/api/v2/${org}/alerts?folder=${encodeURIComponent(folder.id)}`,
            alert,
          );
        },
      });
    } else if (!sameAsDesired(alert, current)) {
      changes.push(alertUpdate(api, org, alert, current));
    }
  }
  return {
    changes,
    skipped,
    creates: desired.some((alert) => !existing.get(alert.name)),
    readBack: async () => {
      const alerts = await findAlerts(api, org, options.stream, specs);
      return desired
        .filter((alert) => !sameAsDesired(alert, alerts.get(alert.name)))
        .map((alert) => `alert ${alert.name}: reads back other than sent`);
    },
  };
}
