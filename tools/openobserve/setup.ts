/**
 * `npm run openobserve -- setup`: creates or updates the API health dashboard (found by title),
 * the alert pack (by name) and the stream settings, then reads each back and reports what it
 * changed (docs/contracts.md §6). A second run finds nothing to change.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { type Command, numberOption, UsageError } from '../shared/command';
import { secureUrl } from '../shared/endpoint';
import { askHidden, type Io, Refused, terminalIo } from '../shared/prompt';
import {
  ApiError,
  field,
  isObject,
  isObjectList,
  isString,
  type Json,
  type OpenObserveApi,
  openObserveApi,
  UnexpectedAnswer,
} from './api';
import {
  alertSpecs,
  buildAlert,
  buildDashboard,
  DASHBOARD_TITLE,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_STREAM,
  DEFAULT_THRESHOLDS,
  STREAM_FIELDS,
  STREAM_SETTINGS,
  type Thresholds,
} from './health';
import { checkVersion } from './version';

export interface SetupOptions {
  readonly org: string;
  readonly stream: string;
  /** Folder name for the dashboard and the alerts; OpenObserve's `default` folder when absent. */
  readonly folder?: string;
  readonly alertDestination?: string;
  readonly retentionDays: number;
  readonly thresholds: Thresholds;
  readonly dryRun: boolean;
}

export interface SetupReport {
  /** What was (or, in a dry run, would be) created or updated. */
  readonly changes: string[];
  /** What was not installed, and why. */
  readonly skipped: string[];
  /** Settings that read back other than asked: reported, not claimed. */
  readonly mismatches: string[];
}

interface Step {
  readonly describe: string;
  apply(): Promise<void>;
}

/**
 * True when every value `desired` sets is in `actual` (the server adds ids, owners, timestamps
 * and defaults of its own); a `null` in `desired` also matches an absent key.
 */
export function sameAsDesired(desired: unknown, actual: unknown): boolean {
  if (desired === null) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((item, index) => sameAsDesired(item, actual[index]))
    );
  }
  if (isObject(desired)) {
    return (
      isObject(actual) && Object.entries(desired).every(([k, v]) => sameAsDesired(v, actual[k]))
    );
  }
  return desired === actual;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const listOr = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

export async function setupHealth(
  options: SetupOptions,
  api: OpenObserveApi,
  io: Io,
): Promise<SetupReport> {
  const org = encodeURIComponent(options.org);
  const stream = encodeURIComponent(options.stream);
  const report: SetupReport = { changes: [], skipped: [], mismatches: [] };
  const steps: Step[] = [];
  await checkVersion(api);

  /** A folder's id by name; a step creates it when missing. `ref.id` is set once it exists. */
  async function folder(type: 'dashboards' | 'alerts'): Promise<{ id: string }> {
    const name = options.folder;
    let answer: Json;
    try {
      answer = await api.request('GET', `/api/v2/${org}/folders/${type}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new Refused(
          `OpenObserve has no organization "${options.org}" (HTTP 404 for its folders): pass the organization id shown in the OpenObserve UI with --org`,
        );
      }
      throw error;
    }
    const list = field(answer, 'list', isObjectList, `GET /api/v2/{org}/folders/${type}`);
    if (!name) return { id: 'default' };
    const found = list.find((item) => item.name === name);
    if (found) return { id: field(found, 'folderId', isString, `the ${type} folder list`) };
    const ref = { id: '' };
    steps.push({
      describe: `${type} folder "${name}": create`,
      async apply() {
        const created = await api.request('POST', `/api/v2/${org}/folders/${type}`, {
          name,
          description: 'API Gateway health (apigw-firehose-openobserve)',
        });
        ref.id = field(created, 'folderId', isString, `POST /api/v2/{org}/folders/${type}`);
      },
    });
    return ref;
  }

  // Dashboard: found by title in its folder, replaced whole when it differs.
  const dashboardFolder = await folder('dashboards');
  const desiredDashboard = buildDashboard(options.stream);
  const findDashboard = async (): Promise<{ id: string; hash: string; v8: Json } | undefined> => {
    if (!dashboardFolder.id) return undefined;
    const listed = await api.request(
      'GET',
      `/api/${org}/dashboards?folder=${encodeURIComponent(dashboardFolder.id)}`,
    );
    const found = field(listed, 'dashboards', isObjectList, 'GET /api/{org}/dashboards').find(
      (item) => item.title === DASHBOARD_TITLE,
    );
    if (!found) return undefined;
    const id = field(found, 'dashboard_id', isString, 'the dashboard list');
    const current = await api.request('GET', `/api/${org}/dashboards/${encodeURIComponent(id)}`);
    const where = 'GET /api/{org}/dashboards/{id}';
    return {
      id,
      hash: field(current, 'hash', isString, where),
      v8: field(current, 'v8', isObject, where),
    };
  };
  const dashboard = await findDashboard();
  if (!dashboard) {
    steps.push({
      describe: `dashboard "${DASHBOARD_TITLE}": create`,
      async apply() {
        await api.request(
          'POST',
          `/api/${org}/dashboards?folder=${encodeURIComponent(dashboardFolder.id)}`,
          desiredDashboard,
        );
      },
    });
  } else if (!sameAsDesired(desiredDashboard, dashboard.v8)) {
    steps.push({
      describe: `dashboard "${DASHBOARD_TITLE}": update (its panels, queries or variables differ; edits made in the UI are replaced)`,
      async apply() {
        const query = `folder=${encodeURIComponent(dashboardFolder.id)}&hash=${encodeURIComponent(dashboard.hash)}`;
        try {
          await api.request(
            'PUT',
            `/api/${org}/dashboards/${encodeURIComponent(dashboard.id)}?${query}`,
            { ...desiredDashboard, dashboardId: dashboard.id },
          );
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) {
            throw new Refused(
              'the dashboard was changed in OpenObserve after setup read it (HTTP 409); nothing of it was overwritten. Rerun setup to replace it with the newer version read, or save your edits under another title first',
            );
          }
          throw error;
        }
      },
    });
  }

  // Stream settings: our fields added to what is there; full-text search exactly the free text.
  const schemaPath = `/api/${org}/streams/${stream}/schema?type=logs`;
  const readSchema = async (): Promise<Json | undefined> => {
    try {
      return await api.request('GET', schemaPath);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  };
  const schema = await readSchema();
  const settingsOf = (answer: Json | undefined): Json =>
    answer ? field(answer, 'settings', isObject, 'GET /api/{org}/streams/{stream}/schema') : {};
  const currentSettings = settingsOf(schema);
  const update: Json = {};
  const changes: string[] = [];
  for (const key of ['index_fields', 'bloom_filter_fields'] as const) {
    const add = STREAM_SETTINGS[key].filter(
      (name) => !strings(currentSettings[key]).includes(name),
    );
    if (add.length) {
      update[key] = { add, remove: [] };
      changes.push(`${key} + ${add.join(', ')}`);
    }
  }
  // OpenObserve refuses a full-text key on a field the stream does not have yet (400 "field [x]
  // not found in schema"); a stream setup creates has them all.
  const streamFields = new Set(
    (schema && Array.isArray(schema.schema) ? schema.schema : []).map((item) => item?.name),
  );
  const fullTextKeys = STREAM_SETTINGS.full_text_search_keys.filter(
    (name) => !schema || streamFields.has(name),
  );
  const fullTextLater = STREAM_SETTINGS.full_text_search_keys.filter(
    (name) => !fullTextKeys.includes(name),
  );
  if (fullTextLater.length) {
    report.skipped.push(
      `stream settings: full-text search on ${fullTextLater.join(', ')} not set yet. OpenObserve takes a full-text key only on a field the stream has; rerun once events with these fields arrived`,
    );
  }
  const fullText = strings(currentSettings.full_text_search_keys);
  const ftsAdd = fullTextKeys.filter((name) => !fullText.includes(name));
  const ftsRemove = fullText.filter((name) => !fullTextKeys.includes(name));
  if (ftsAdd.length || ftsRemove.length) {
    update.full_text_search_keys = { add: ftsAdd, remove: ftsRemove };
    changes.push(
      `full_text_search_keys ${[...ftsAdd.map((k) => `+ ${k}`), ...ftsRemove.map((k) => `− ${k}`)].join(', ')}`,
    );
  }
  if (currentSettings.data_retention !== options.retentionDays) {
    update.data_retention = options.retentionDays;
    changes.push(
      `data_retention ${currentSettings.data_retention ?? 'default'} → ${options.retentionDays} days`,
    );
  }
  if (!schema) {
    steps.push({
      describe: `stream "${options.stream}": create, with the ${STREAM_FIELDS.length} fields the processor writes`,
      async apply() {
        await api.request('POST', `/api/${org}/streams/${stream}?type=logs`, {
          fields: STREAM_FIELDS,
          settings: {},
        });
      },
    });
  }
  if (changes.length) {
    steps.push({
      describe: `stream "${options.stream}" settings: ${changes.join('; ')}`,
      async apply() {
        await api.request('PUT', `/api/${org}/streams/${stream}/settings?type=logs`, update);
      },
    });
  }

  // Alerts: only with a destination, and only on a stream that has received data (OpenObserve
  // refuses both otherwise: src/core/src/alerts/alert.rs).
  const destination = options.alertDestination;
  const specs = alertSpecs(options.stream, options.thresholds);
  const desiredAlerts = specs.map((spec) =>
    buildAlert(spec, options.stream, destination ? [destination] : []),
  );
  const findAlerts = async (): Promise<Map<string, Json>> => {
    const listed = await api.request('GET', `/api/v2/${org}/alerts`);
    const found = new Map<string, Json>();
    for (const item of field(listed, 'list', isObjectList, 'GET /api/v2/{org}/alerts')) {
      const name = item.name;
      if (typeof name === 'string' && specs.some((spec) => spec.name === name)) {
        const id = field(item, 'alert_id', isString, 'the alert list');
        found.set(
          name,
          await api.request('GET', `/api/v2/${org}/alerts/${encodeURIComponent(id)}`),
        );
      }
    }
    return found;
  };
  // A stream created above has the fields; an existing one has them once data arrived.
  const hasFields =
    schema === undefined || (Array.isArray(schema.schema) && schema.schema.length > 0);
  if (!destination) {
    report.skipped.push(
      'alerts: not installed. OpenObserve keeps no alert without a destination, not even a disabled one; create one (Management → Alert Destinations) and rerun with --alert-destination NAME, or import openobserve/alerts/*.json by hand',
    );
  } else {
    try {
      await api.request(
        'GET',
        `/api/${org}/alerts/destinations/${encodeURIComponent(destination)}`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        throw new Refused(
          `OpenObserve has no alert destination "${destination}" in organization "${options.org}" (HTTP 404): create it under Management → Alert Destinations, or name another with --alert-destination`,
        );
      }
      throw error;
    }
    if (!hasFields) {
      report.skipped.push(
        `alerts: not installed yet. OpenObserve accepts an alert only on a stream that has received data; send a request through the API, wait for it to arrive in "${options.stream}", and rerun`,
      );
    } else {
      const alertFolder = await folder('alerts');
      const existing = await findAlerts();
      desiredAlerts.forEach((desired) => {
        const current = existing.get(desired.name);
        if (!current) {
          steps.push({
            describe: `alert ${desired.name}: create`,
            async apply() {
              await api.request(
                'POST',
                `/api/v2/${org}/alerts?folder=${encodeURIComponent(alertFolder.id)}`,
                desired,
              );
            },
          });
        } else if (!sameAsDesired(desired, current)) {
          const id = field(current, 'id', isString, 'GET /api/v2/{org}/alerts/{id}');
          steps.push({
            describe: `alert ${desired.name}: update`,
            async apply() {
              await api.request('PUT', `/api/v2/${org}/alerts/${encodeURIComponent(id)}`, {
                ...desired,
                id,
              });
            },
          });
        }
      });
    }
  }

  io.log(`OpenObserve ${api.base}, organization ${options.org}, stream ${options.stream}`);
  report.changes.push(...steps.map((step) => step.describe));
  for (const line of report.changes) io.log(`  ${line}`);
  for (const line of report.skipped) io.log(`  ${line}`);
  if (steps.length === 0) {
    io.log(
      'Nothing to change: the dashboard, alerts and stream settings are as this version installs them.',
    );
    return report;
  }
  if (options.dryRun) {
    io.log('Dry run: nothing changed.');
    return report;
  }
  if (!(await io.confirm('Apply these changes?'))) {
    io.log('Nothing changed.');
    return { ...report, changes: [] };
  }
  for (const step of steps) await step.apply();

  // Read everything back: a 200 alone has been reported not to mean a setting took (§6).
  const after = await findDashboard();
  if (!after || !sameAsDesired(desiredDashboard, after.v8)) {
    report.mismatches.push(`dashboard "${DASHBOARD_TITLE}": reads back other than sent`);
  }
  const settings = settingsOf(await readSchema());
  for (const key of ['index_fields', 'bloom_filter_fields'] as const) {
    const missing = STREAM_SETTINGS[key].filter((name) => !strings(settings[key]).includes(name));
    if (missing.length) {
      report.mismatches.push(
        `stream settings: asked for ${key} ${missing.join(', ')}; OpenObserve reports ${listOr(strings(settings[key]))}`,
      );
    }
  }
  const readFullText = strings(settings.full_text_search_keys);
  if (!sameAsDesired([...fullTextKeys].sort(), [...readFullText].sort())) {
    report.mismatches.push(
      `stream settings: asked for full_text_search_keys ${listOr(fullTextKeys)}; OpenObserve reports ${listOr(readFullText)}`,
    );
  }
  if (settings.data_retention !== options.retentionDays) {
    report.mismatches.push(
      `stream settings: asked for data_retention ${options.retentionDays} days; OpenObserve reports ${settings.data_retention ?? 'none'}`,
    );
  }
  if (destination && hasFields) {
    const alerts = await findAlerts();
    for (const desired of desiredAlerts) {
      if (!sameAsDesired(desired, alerts.get(desired.name))) {
        report.mismatches.push(`alert ${desired.name}: reads back other than sent`);
      }
    }
  }
  for (const line of report.changes) io.log(`✓ ${line}`);
  for (const line of report.mismatches) io.log(`! ${line}`);
  if (report.mismatches.length === 0) io.log('Read back: everything is as sent.');
  return report;
}

/** An OpenObserve user and password (or API token): from the environment, else asked for. */
async function credentials() {
  let user = process.env.OPENOBSERVE_USER;
  if (!user) {
    if (!process.stdin.isTTY) {
      throw new Refused(
        'set OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
      );
    }
    const readline = createInterface({ input: process.stdin, output: process.stderr });
    user = (await readline.question('OpenObserve user (email): ')).trim();
    readline.close();
  }
  const password =
    process.env.OPENOBSERVE_PASSWORD ||
    (await askHidden(
      'OpenObserve password or API token: ',
      'set OPENOBSERVE_PASSWORD (an API token works as the password)',
    ));
  return { user, password };
}

/**
 * Credentials come from OPENOBSERVE_USER / OPENOBSERVE_PASSWORD (an API token works as the
 * password) or a prompt, never from the command line. Exits 1 when a setting reads back otherwise.
 */
export const command: Command = {
  usage:
    'usage: npm run openobserve -- setup --url https://… [--org default] [--stream api_gateway_access] [--folder NAME] [--alert-destination NAME] [--retention-days 30] [--5xx-rate 0.05] [--p95-ms 1000] [--429-count 10] [--min-requests 20] [--dry-run] [--yes]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        org: { type: 'string', default: 'default' },
        stream: { type: 'string', default: DEFAULT_STREAM },
        folder: { type: 'string' },
        'alert-destination': { type: 'string' },
        'retention-days': { type: 'string', default: String(DEFAULT_RETENTION_DAYS) },
        '5xx-rate': { type: 'string', default: String(DEFAULT_THRESHOLDS.rate5xx) },
        'p95-ms': { type: 'string', default: String(DEFAULT_THRESHOLDS.p95Ms) },
        '429-count': { type: 'string', default: String(DEFAULT_THRESHOLDS.throttled) },
        'min-requests': { type: 'string', default: String(DEFAULT_THRESHOLDS.minRequests) },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1 || positionals[0] !== 'setup') {
      throw new UsageError('the one action is setup');
    }
    if (!values.url) throw new UsageError('--url is required');
    const options: SetupOptions = {
      org: values.org,
      stream: values.stream,
      folder: values.folder,
      alertDestination: values['alert-destination'],
      retentionDays: numberOption('retention-days', values['retention-days'], 1, 36_500, true),
      thresholds: {
        rate5xx: numberOption('5xx-rate', values['5xx-rate'], 0, 1),
        p95Ms: numberOption('p95-ms', values['p95-ms'], 1, 3_600_000, true),
        throttled: numberOption('429-count', values['429-count'], 0, 1e9, true),
        minRequests: numberOption('min-requests', values['min-requests'], 1, 1e9, true),
      },
      dryRun: values['dry-run'],
    };
    const url = secureUrl(values.url, '--url');
    const api = openObserveApi(url, await credentials());
    try {
      const report = await setupHealth(options, api, terminalIo(values.yes));
      return report.mismatches.length ? 1 : 0;
    } catch (error) {
      if (error instanceof UnexpectedAnswer) throw new Refused(error.message);
      throw error;
    }
  },
};
