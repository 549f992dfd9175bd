import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  RefusedError as Refused,
  UnexpectedAnswerError as UnexpectedAnswer,
} from '../../../tools/cli/errors';
import type { Io } from '../../../tools/cli/io';
import { runPlan } from '../../../tools/cli/plan';
import { secureUrl } from '../../../tools/cli/url';
import { alertSpecs, DEFAULT_THRESHOLDS } from '../../../tools/openobserve/alerts';
import { type OpenObserveApi, openObserveApi } from '../../../tools/openobserve/api';
import {
  buildDashboard,
  DASHBOARD_TITLE,
  dashboardStream,
} from '../../../tools/openobserve/dashboard';
import { planSetup, type SetupOptions } from '../../../tools/openobserve/setup/plan';
import { formatSloStatus, readSloStatus } from '../../../tools/openobserve/slo-status';
import { STREAM_FIELDS, STREAM_SETTINGS } from '../../../tools/openobserve/stream-settings';
import { REQUIREMENTS, SLO_SINCE } from '../../../tools/openobserve/version';
import { eventOf, transform } from '../../support/batches';
import { scriptedIo } from '../../support/io';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';
import {
  type OpenObserveServer,
  PASSWORD,
  startOpenObserve,
  USER,
} from '../../support/openobserve-stand-in';
import { readCorpus } from '../../support/sample-events';

const run = promisify(execFile);
/** What setup says on the real server of the tests (v0.90.0): it has no SLO API. */
const NO_SLO_API = `SLOs: not installed. OpenObserve v0.90.0 has no SLO API; it came with ${SLO_SINCE}. Upgrade OpenObserve and rerun to add them; everything else is installed`;
const STREAM = 'api_gateway_access';

const OPTIONS: SetupOptions & { dryRun: boolean } = {
  org: 'default',
  stream: STREAM,
  alertDestination: 'oncall',
  retentionDays: 30,
  thresholds: DEFAULT_THRESHOLDS,
  availability: 99.9,
  latencyTarget: 99,
  latencyMs: 1000,
  dryRun: false,
};

/**
 * The command's plan through the one runner, reported as before: what was (or, in a dry run,
 * would be) changed, what was skipped, and what reads back other than sent.
 */
async function setupHealth(
  options: SetupOptions & { dryRun: boolean },
  api: OpenObserveApi,
  io: Io,
) {
  const result = await runPlan(await planSetup(options, api), io, { dryRun: options.dryRun });
  return {
    changes: result.declined ? [] : result.planned,
    skipped: result.skipped,
    mismatches: result.mismatches,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: answers read back from OpenObserve, checked field by field.
type Json = Record<string, any>;

/** An API client that also records every request as `METHOD path`. */
function recorded(api: OpenObserveApi): OpenObserveApi & { requests: string[] } {
  const requests: string[] = [];
  return {
    base: api.base,
    requests,
    request(method, path, body) {
      requests.push(`${method} ${path.replace(/\?.*/, '')}`);
      return api.request(method, path, body);
    },
  };
}
const writes = (requests: readonly string[]) => requests.filter((line) => !line.startsWith('GET'));

const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'tools/run.ts', 'openobserve', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  }).then(
    (done) => ({ code: 0, ...done }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describeWithOpenObserve('openobserve setup, on a real OpenObserve', () => {
  const server = useOpenObserve();
  let org: string;
  let api: ReturnType<typeof recorded>;

  /** Each test in an organization of its own, with an alert destination (a webhook here). */
  beforeEach(async () => {
    org = await server().createOrganization('setup');
    api = recorded(server().api());
    await server().api().request('POST', `/api/${org}/alerts/destinations`, {
      name: 'oncall',
      type: 'http',
      url: 'http://127.0.0.1:9/alerts',
      method: 'post',
      template: 'prebuilt_discord',
      headers: {},
    });
  });

  const setup = (options: Partial<typeof OPTIONS> = {}, io: Io = scriptedIo()) =>
    setupHealth({ ...OPTIONS, org, ...options }, api, io);
  const get = (path: string) => server().api().request('GET', path);

  /**
   * The stream as the processor's first events leave it (a request and an unparsed line: every
   * field but `path`, which the default format does not log), with a full-text key of its own.
   */
  async function streamWithData(stream = STREAM) {
    const line = readCorpus().filter((entry) => entry.event === 'default-format')[1]?.line ?? '';
    const now = Date.now();
    const events = [
      eventOf(line.replace(/RequestTimeEpoch: \d+/, `RequestTimeEpoch: ${now}`)),
      ...transform([{ text: 'not an access-log line', arrivalMs: now }]),
    ];
    await server().send(
      stream,
      events.map((event) => `{\t${JSON.stringify(event).slice(1)}`),
      org,
    );
    // The server writes a stream's schema, and the settings stored with it, a moment after it
    // answers: a settings change made before that, or a setup that read the settings before the
    // change showed, would make the tests below flaky. Each step waits until the server shows it.
    type Schema = { schema?: { name: string }[]; settings?: { full_text_search_keys?: string[] } };
    const shows = async (what: string, holds: (schema: Schema) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!holds((await get(`/api/${org}/streams/${stream}/schema?type=logs`)) as Schema)) {
        if (Date.now() > deadline) throw new Error(`the server never showed ${what}`);
        await new Promise((wait) => setTimeout(wait, 100));
      }
    };
    await shows("the events' fields", ({ schema }) =>
      Boolean(schema?.some((item) => item.name === 'request_id')),
    );
    await server()
      .api()
      .request('PUT', `/api/${org}/streams/${stream}/settings?type=logs`, {
        full_text_search_keys: { add: ['request_id'], remove: [] },
      });
    await shows('the full-text key', ({ settings }) =>
      Boolean(settings?.full_text_search_keys?.includes('request_id')),
    );
  }
  /** The dashboard's panels that name what a stream of the sample's events does not have. */
  const PANELS_LATER = expect.stringMatching(
    /^dashboard: \d+ of \d+ panels name fields "api_gateway_access" does not have yet \(.*waf_response_code.*\): they show an error until events with them arrive \(the recommended access-log format writes [^)]*waf_response_code[^)]*\)$/,
  );
  /** What setup reports when the stream has no `path` yet. */
  /** Free-text fields only failures have: the stream gets them with the first such event. */
  const LATER = ['integration_error', 'authorizer_error', 'failure_reason'];
  const PATH_LATER = expect.stringMatching(
    /^stream settings: full-text search on integration_error, authorizer_error, failure_reason not set yet\./,
  );
  async function dashboards(folder = 'default'): Promise<Json[]> {
    const listed = await get(`/api/${org}/dashboards?folder=${folder}`);
    return listed.dashboards as Json[];
  }
  async function dashboard(id: string): Promise<Json> {
    return get(`/api/${org}/dashboards/${id}`);
  }
  async function schema(): Promise<Json> {
    return get(`/api/${org}/streams/${STREAM}/schema?type=logs`);
  }
  async function alerts(): Promise<Json[]> {
    const listed = (await get(`/api/v2/${org}/alerts`)).list as Json[];
    return Promise.all(listed.map((item) => get(`/api/v2/${org}/alerts/${item.alert_id}`)));
  }

  it('installs the dashboard, the stream settings and four alerts, and reads them back', async () => {
    await streamWithData();
    const io = scriptedIo();
    const report = await setup({}, io);

    expect(report.mismatches).toEqual([]);
    expect(report.changes).toEqual([
      `dashboard "${DASHBOARD_TITLE}": create`,
      expect.stringMatching(
        /^stream "api_gateway_access" settings: index_fields \+ api_id, stage; bloom_filter_fields \+ request_id; full_text_search_keys \+ path, \+ resource_path, \+ error_message, \+ user_agent, \+ message, − request_id; data_retention \S+ → 30 days$/,
      ),
      ...alertSpecs(STREAM, DEFAULT_THRESHOLDS).map((spec) => `alert ${spec.name}: create`),
    ]);
    const [installed] = await dashboards();
    expect(installed?.title).toBe(DASHBOARD_TITLE);
    expect((await dashboard(installed?.dashboard_id)).v8.tabs.map((tab: Json) => tab.name)).toEqual(
      ['API health', 'Failures', 'Pipeline'],
    );
    const { settings } = await schema();
    expect(settings.bloom_filter_fields).toEqual(['request_id']);
    expect(settings.index_fields).toEqual(['api_id', 'stage']);
    expect([...settings.full_text_search_keys].sort()).toEqual(
      STREAM_SETTINGS.full_text_search_keys.filter((key) => !LATER.includes(key)).sort(),
    );
    expect(report.skipped).toEqual([PANELS_LATER, PATH_LATER, NO_SLO_API]);
    expect(settings.data_retention).toBe(30);
    expect((await alerts()).map((a) => [a.name, a.enabled, a.destinations]).sort()).toEqual(
      alertSpecs(STREAM, DEFAULT_THRESHOLDS)
        .map((spec) => [spec.name, true, ['oncall']])
        .sort(),
    );
    expect(io.lines).toContain('Read back: everything is as planned.');
  });

  it('changes nothing on a second run, and says so', async () => {
    await streamWithData();
    await setup();
    api.requests.length = 0;
    const io = scriptedIo();
    const report = await setup({}, io);
    expect(report.changes).toEqual([]);
    expect(writes(api.requests)).toEqual([]);
    expect(io.lines.at(-1)).toMatch(/^Nothing to change/);
  });

  it('puts back a dashboard changed in the UI, with the hash it read', async () => {
    await streamWithData();
    await setup();
    const [listed] = await dashboards();
    const id = listed?.dashboard_id as string;
    const before = await dashboard(id);
    const edited = {
      ...before.v8,
      tabs: [{ ...before.v8.tabs[0], panels: before.v8.tabs[0].panels.slice(1) }],
    };
    await server()
      .api()
      .request('PUT', `/api/${org}/dashboards/${id}?folder=default&hash=${before.hash}`, edited);
    api.requests.length = 0;
    const report = await setup();
    expect(report.changes).toEqual([expect.stringMatching(/^dashboard .*: update/)]);
    expect(writes(api.requests)).toEqual([`PUT /api/${org}/dashboards/${id}`]);
    expect(report.mismatches).toEqual([]);
    expect((await dashboard(id)).v8.tabs[0].panels).toHaveLength(before.v8.tabs[0].panels.length);
  });

  it('stops without overwriting when the dashboard changed meanwhile (409)', async () => {
    await streamWithData();
    await setup();
    const [listed] = await dashboards();
    const id = listed?.dashboard_id as string;
    const first = await dashboard(id);
    await server()
      .api()
      .request('PUT', `/api/${org}/dashboards/${id}?folder=default&hash=${first.hash}`, {
        ...first.v8,
        tabs: [],
      });
    // Someone saves it again between setup's read and its update.
    const io: Io = {
      log: () => undefined,
      json: () => undefined,
      confirm: async () => {
        const read = await dashboard(id);
        await server()
          .api()
          .request('PUT', `/api/${org}/dashboards/${id}?folder=default&hash=${read.hash}`, {
            ...read.v8,
            description: 'edited by someone else',
          });
        return true;
      },
    };
    await expect(setup({}, io)).rejects.toThrow(
      /changed in OpenObserve after setup read it \(HTTP 409\)/,
    );
    expect((await dashboard(id)).v8.description).toBe('edited by someone else');
  });

  it('names the credentials on 401', async () => {
    const wrong = openObserveApi(new URL(server().url), { user: server().user, password: 'wrong' });
    await expect(setupHealth({ ...OPTIONS, org }, wrong, scriptedIo())).rejects.toThrow(
      new Refused(
        'OpenObserve refused the credentials (HTTP 401): check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
      ),
    );
  });

  it('names an unknown organization, and an unknown alert destination (404)', async () => {
    await streamWithData();
    await expect(setup({ org: 'acme' })).rejects.toThrow(/no organization "acme" \(HTTP 404/);
    await expect(setup({ alertDestination: 'pager' })).rejects.toThrow(
      /no alert destination "pager" in organization "[^"]+" \(HTTP 404\)/,
    );
    expect(writes(api.requests)).toEqual([]);
  });

  it("says to give OpenObserve's address when --url is one of its UI's or API's pages", async () => {
    for (const path of ['/web/dashboards', `/api/${org}`]) {
      const pasted = openObserveApi(new URL(`${server().url}${path}`), {
        user: server().user,
        password: server().password,
      });
      await expect(planSetup({ ...OPTIONS, org }, pasted)).rejects.toThrow(
        `--url is OpenObserve's address, without a path of the UI or the API; give ${server().url}`,
      );
    }
  });

  it('finds no SLO API on this release: a 404, which setup takes for "not there"', async () => {
    await expect(server().api().request('GET', `/api/${org}/slos`)).rejects.toMatchObject({
      status: 404,
    });
  });

  it('without a destination, installs the rest and says why the alerts are not there', async () => {
    await streamWithData();
    const io = scriptedIo();
    const report = await setup({ alertDestination: undefined }, io);
    expect(report.skipped).toEqual([
      PANELS_LATER,
      PATH_LATER,
      expect.stringMatching(/^alerts: not installed\. .*--alert-destination NAME/),
      NO_SLO_API,
    ]);
    expect(await alerts()).toEqual([]);
    expect(await dashboards()).toHaveLength(1);
    expect(io.lines.join('\n')).toContain('alerts: not installed');
  });

  it("leaves an existing stream's retention alone unless --retention-days is given: a shorter one deletes events", async () => {
    await streamWithData();
    await server()
      .api()
      .request('PUT', `/api/${org}/streams/${STREAM}/settings?type=logs`, { data_retention: 365 });
    const kept = await setup({ retentionDays: undefined });
    expect(kept.changes.join('\n')).not.toContain('data_retention');
    expect(kept.mismatches).toEqual([]);
    expect((await schema()).settings.data_retention).toBe(365);
    const asked = await setup({ retentionDays: 90 });
    expect(asked.changes).toContainEqual(
      expect.stringMatching(/settings: .*data_retention 365 → 90 days$/),
    );
    expect((await schema()).settings.data_retention).toBe(90);
  });

  it('keeps what people set on an alert (destinations added, an alert turned off), and says what an update changes', async () => {
    await streamWithData();
    await setup();
    await server().api().request('POST', `/api/${org}/alerts/destinations`, {
      name: 'pager',
      type: 'http',
      url: 'http://127.0.0.1:9/pager',
      method: 'post',
      template: 'prebuilt_discord',
      headers: {},
    });
    const byName = async (name: string) => (await alerts()).find((a) => a.name === name) as Json;
    const edit = async (name: string, change: Json) => {
      const alert = await byName(name);
      await server()
        .api()
        .request('PUT', `/api/v2/${org}/alerts/${alert.id}`, { ...alert, ...change });
    };
    await edit('api_gateway_5xx_rate', {
      destinations: ['oncall', 'pager'],
      row_template: 'API {api_id}: {rate_5xx}',
    });
    await edit('api_gateway_no_events', { enabled: false });
    // Longer Firehose buffers: a longer period, as docs/openobserve.md says; and what setup never sets.
    const throttled = await byName('api_gateway_throttled');
    await edit('api_gateway_throttled', {
      trigger_condition: { ...throttled.trigger_condition, period: 20, silence: 60 },
      context_attributes: { team: 'payments' },
    });
    // A rerun with another p95 threshold: that alert's query changes, the others stay as people left them.
    const report = await setup({ thresholds: { ...DEFAULT_THRESHOLDS, p95Ms: 3000 } });
    expect(report.changes).toEqual([
      'alert api_gateway_p95_latency: update query_condition, description',
      // The silence is setup's: set back, and said.
      'alert api_gateway_throttled: update trigger_condition',
    ]);
    expect(report.skipped).toContain(
      'alert api_gateway_no_events: turned off in OpenObserve, and left off: it notifies nobody until it is turned on there',
    );
    expect(report.mismatches).toEqual([]);
    const fiveXx = await byName('api_gateway_5xx_rate');
    expect([fiveXx.destinations, fiveXx.row_template]).toEqual([
      ['oncall', 'pager'],
      'API {api_id}: {rate_5xx}',
    ]);
    expect((await byName('api_gateway_no_events')).enabled).toBe(false);
    const p95 = await byName('api_gateway_p95_latency');
    expect(p95.query_condition.sql).toContain('3000');
    expect(p95.row_template).toMatch(/^account \{aws_account_id\} .*\{p95_ms\}/);
    // An update of the alert keeps what people set on it that setup does not set.
    await setup({ thresholds: { ...DEFAULT_THRESHOLDS, throttled: 50 } });
    const after = await byName('api_gateway_throttled');
    expect(after.query_condition.sql).toContain('> 50');
    // The period people raised stays; the silence is setup's (an earlier setup's was wrong).
    expect(after.trigger_condition).toMatchObject({ period: 20, silence: 30 });
    expect(after.context_attributes).toEqual({ team: 'payments' });
  });

  it('creates a new stream with the fields the processor writes, so alerts work at once', async () => {
    const report = await setup({ retentionDays: undefined });
    expect((await schema()).settings.data_retention).toBe(30);
    const created = await schema();
    expect(
      Object.fromEntries(created.schema.map((field: Json) => [field.name, field.type])),
    ).toEqual(
      expect.objectContaining(
        Object.fromEntries(STREAM_FIELDS.map((field) => [field.name, field.type])),
      ),
    );
    expect(created.settings.bloom_filter_fields).toEqual(['request_id']);
    // No event yet: the alert on silence notifies from its first run, and setup says so.
    expect(report.skipped).toEqual([
      'alert api_gateway_no_events: notifies "oncall" every 30 minutes from its first run until the new stream\'s first events arrive: send a request through the API, or expect those notifications',
      NO_SLO_API,
    ]);
    expect(await alerts()).toHaveLength(4);
    expect(report.mismatches).toEqual([]);
  });

  it('on a stream that exists without the fields, installs only the alert that names none, and says why', async () => {
    await server().api().request('POST', `/api/${org}/streams/${STREAM}?type=logs`, {
      fields: [],
      settings: {},
    });
    const report = await setup();
    expect(report.skipped).toEqual([
      expect.stringMatching(/^dashboard: (\d+) of \1 panels name fields/),
      expect.stringMatching(
        /^stream settings: full-text search on path, resource_path, error_message, integration_error, authorizer_error, failure_reason, user_agent, message not set yet\./,
      ),
      ...['5xx_rate', 'p95_latency', 'throttled'].map((name) =>
        expect.stringMatching(
          new RegExp(`^alert api_gateway_${name}: not installed yet\\. The stream has no .*api_id`),
        ),
      ),
      NO_SLO_API,
    ]);
    expect(report.mismatches).toEqual([]);
    expect((await alerts()).map((alert) => alert.name)).toEqual(['api_gateway_no_events']);
  });

  it('puts dashboard and alerts into a named folder, creating it once', async () => {
    await streamWithData();
    await setup({ folder: 'API health' });
    await setup({ folder: 'API health' });
    const folders = (await get(`/api/v2/${org}/folders/dashboards`)).list as Json[];
    const named = folders.filter((folder) => folder.name === 'API health');
    expect(named).toHaveLength(1);
    expect(await dashboards(named[0]?.folderId)).toHaveLength(1);
    expect(await dashboards()).toEqual([]);
    expect(api.requests.filter((r) => r === `POST /api/v2/${org}/folders/dashboards`)).toHaveLength(
      1,
    );
  });

  it('makes no alerts folder for updates: alerts that are there stay where they are', async () => {
    await streamWithData();
    await setup();
    const report = await setup({
      folder: 'ops',
      thresholds: { ...DEFAULT_THRESHOLDS, p95Ms: 2000 },
    });
    expect(report.changes).toEqual([
      'alert api_gateway_p95_latency: update query_condition, description',
    ]);
    // As the dashboard's line says of it: setup moves nothing, and says where they stay.
    expect(report.skipped).toContainEqual(
      expect.stringMatching(/^alerts: in folder "[^"]+", not "ops": they stay there/),
    );
    const folders = (await get(`/api/v2/${org}/folders/alerts`)).list as Json[];
    expect(folders.map((folder) => folder.name)).not.toContain('ops');
  });

  it('keeps each stream’s dashboard and alerts its own, and a second run of each changes nothing', async () => {
    const other = 'api_gateway_test';
    await streamWithData();
    await streamWithData(other);
    await setup();
    const second = await setup({ stream: other });
    expect(second.changes).toContain(`dashboard "${DASHBOARD_TITLE} (${other})": create`);
    expect(second.changes.filter((change) => change.startsWith('alert '))).toEqual(
      alertSpecs(other, DEFAULT_THRESHOLDS).map((spec) => `alert ${spec.name}: create`),
    );
    const installed = await dashboards();
    expect(
      await Promise.all(
        installed.map(async (item) => {
          const { v8 } = await dashboard(item.dashboard_id);
          return [v8.title, dashboardStream(v8)];
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        [DASHBOARD_TITLE, STREAM],
        [`${DASHBOARD_TITLE} (${other})`, other],
      ]),
    );
    expect(installed).toHaveLength(2);
    const watched = (await alerts()).map((alert) => `${alert.name} ${alert.stream_name}`).sort();
    expect(watched).toEqual(
      [STREAM, other]
        .flatMap((stream) =>
          alertSpecs(stream, DEFAULT_THRESHOLDS).map((s) => `${s.name} ${stream}`),
        )
        .sort(),
    );
    for (const stream of [STREAM, other]) {
      expect(await setup({ stream })).toMatchObject({ changes: [], mismatches: [] });
    }
    // Without a destination, the alerts there are are said to stay.
    const without = await setup({ stream: other, alertDestination: undefined });
    expect(without.skipped).toContain(
      `alerts: 4 installed for "${other}", left as they are: rerun with --alert-destination NAME to update them`,
    );
  });

  it('takes over the dashboard a version before this one gave another stream under the plain title', async () => {
    const other = 'api_gateway_test';
    await streamWithData(other);
    const older = { ...buildDashboard(other), title: DASHBOARD_TITLE };
    await server().api().request('POST', `/api/${org}/dashboards?folder=default`, older);
    const report = await setup({ stream: other });
    expect(report.changes).toContain(
      `dashboard "${DASHBOARD_TITLE} (${other})": update (its panels, queries or variables differ; edits made in the UI are replaced)`,
    );
    expect((await dashboards()).map((item) => item.title)).toEqual([
      `${DASHBOARD_TITLE} (${other})`,
    ]);
  });

  it('finds the dashboard in another folder than --folder names, and leaves it there', async () => {
    await streamWithData();
    await setup();
    const moved = await setup({ folder: 'ops' });
    expect(moved.changes).toEqual([]);
    expect(moved.skipped).toContain(
      `dashboard "${DASHBOARD_TITLE}" is in folder "default", not "ops": it stays there (move it in OpenObserve's UI)`,
    );
    const folders = (await get(`/api/v2/${org}/folders/dashboards`)).list as Json[];
    expect(folders.map((folder) => folder.name)).not.toContain('ops');
    expect(await dashboards()).toHaveLength(1);
  });

  it('changes nothing in a dry run or when the answer is no', async () => {
    await streamWithData();
    const dry = await setup({ dryRun: true });
    expect(dry.changes.length).toBeGreaterThan(0);
    await setup({}, scriptedIo(false));
    expect(writes(api.requests)).toEqual([]);
    expect(await dashboards()).toEqual([]);
  });

  it('npm run openobserve installs with credentials from the environment, then finds nothing to change', async () => {
    await streamWithData();
    const env = { OPENOBSERVE_USER: server().user, OPENOBSERVE_PASSWORD: server().password };
    const args = ['setup', '--url', server().url, '--org', org, '--alert-destination', 'oncall'];
    const first = await cli([...args, '--yes'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✓ dashboard "${DASHBOARD_TITLE}": create`);
    const [installed] = await dashboards();
    const second = await cli([...args, '--yes'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to change');
    expect((await dashboards())[0]?.hash).toBe(installed?.hash);
  }, 30_000);
});

describe('openobserve setup, on a stand-in for what a real server does not do on cue', () => {
  let standIn: OpenObserveServer;
  beforeEach(async () => {
    standIn = await startOpenObserve();
  });
  afterEach(() => standIn.close());
  const setup = (io = scriptedIo()) =>
    setupHealth(
      { ...OPTIONS, alertDestination: undefined },
      openObserveApi(new URL(standIn.url), { user: USER, password: PASSWORD }),
      io,
    );

  it('names the release it needs on an OpenObserve too old for it, before changing anything', async () => {
    standIn.version = 'v0.15.3';
    const error = await setup().catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Refused);
    expect((error as Error).message).toMatch(
      /^OpenObserve v0\.15\.3 is too old for what setup installs \(dashboards of schema version 8 need v0\.40\.0\): upgrade OpenObserve to v0\.40\.0 or newer and rerun\. Nothing was changed\.$/,
    );
    expect(standIn.requests).toEqual(['GET /config']);
  });

  it('takes the oldest release it names, and a version that is not vX.Y.Z', async () => {
    for (const version of [REQUIREMENTS.at(-1)?.since as string, 'v1.0.0-custom', 'nightly']) {
      standIn.version = version;
      await expect(setup()).resolves.toMatchObject({ mismatches: [] });
    }
  });

  it('reports a setting that reads back other than asked, instead of claiming it', async () => {
    standIn.ignoredSettings.add('bloom_filter_fields');
    const io = scriptedIo();
    const report = await setup(io);
    expect(report.mismatches).toEqual([
      'stream settings: asked for bloom_filter_fields request_id; OpenObserve reports none',
    ]);
    expect(io.lines).toContain(
      '! stream settings: asked for bloom_filter_fields request_id; OpenObserve reports none',
    );
    expect(io.lines).not.toContain('Read back: everything is as planned.');
  });

  it('refuses an OpenObserve whose answers do not fit docs/contracts.md §6', async () => {
    standIn.misfit = true;
    await expect(setup()).rejects.toThrow(UnexpectedAnswer);
  });
});

describe('openobserve setup: SLOs per API and stage', () => {
  let standIn: OpenObserveServer;
  beforeEach(async () => {
    standIn = await startOpenObserve();
    standIn.version = 'v0.92.2';
    standIn.slo = 'on';
    standIn.destinations.add('oncall');
  });
  afterEach(() => standIn.close());
  const api = () => openObserveApi(new URL(standIn.url), { user: USER, password: PASSWORD });
  const setup = (options: Partial<typeof OPTIONS> = {}, io = scriptedIo()) =>
    setupHealth({ ...OPTIONS, ...options }, api(), io);
  const stored = () => [...standIn.slos.values()];
  const sloNamed = (name: string) => stored().find((slo) => slo.name === name) as Json;

  it('installs an availability and a latency SLO, grouped by account, region, API and stage, with burn-rate alerts', async () => {
    const report = await setup();
    expect(report.mismatches).toEqual([]);
    expect(report.changes).toEqual(
      expect.arrayContaining([
        'SLO api_gateway_availability: create (target 99.9%, 30 days, per API and stage)',
        'SLO api_gateway_latency: create (target 99%, 30 days, per API and stage)',
        'alert api_gateway_availability_fast_burn: create (burn rate 14.4× over 1 h)',
        'alert api_gateway_latency_slow_burn: create (burn rate 6× over 6 h)',
      ]),
    );
    const availability = sloNamed('api_gateway_availability');
    expect(availability).toMatchObject({
      sli_type: 'count',
      group_by: ['aws_account_id', 'aws_region', 'api_id', 'stage'],
      window_secs: 2_592_000,
      slice_interval_secs: 300,
      target: 99.9,
      enabled: true,
      folder_id: 'default',
    });
    const { good, total } = availability.config.source.query;
    expect(availability.config.source.mode).toBe('dual_query');
    expect(good.sql).toContain('SUM(COALESCE(sample_rate, 1)) AS zo_slo_value');
    expect(good.sql).toContain('WHERE status IS NOT NULL AND status < 500');
    expect(total.sql).toContain("histogram(_timestamp, '5 minute') AS slice_start");
    expect(sloNamed('api_gateway_latency').config.source.query.good.sql).toContain(
      'response_latency <= 1000',
    );
    const burn = [...standIn.alerts.values()].filter(
      (alert) => alert.query_condition.type === 'slo',
    );
    expect(
      burn.map((alert) => [alert.name, alert.query_condition.slo_condition.slo_id]).sort(),
    ).toEqual([
      ['api_gateway_availability_fast_burn', availability.id],
      ['api_gateway_availability_slow_burn', availability.id],
      ['api_gateway_latency_fast_burn', sloNamed('api_gateway_latency').id],
      ['api_gateway_latency_slow_burn', sloNamed('api_gateway_latency').id],
    ]);
    expect(burn[0]?.destinations).toEqual(['oncall']);
    // Checked every minute, but not told every minute while a burn goes on.
    expect(
      burn
        .map((alert) => [
          alert.name,
          alert.trigger_condition.frequency,
          alert.trigger_condition.silence,
        ])
        .sort(),
    ).toEqual([
      ['api_gateway_availability_fast_burn', 1, 10],
      ['api_gateway_availability_slow_burn', 1, 30],
      ['api_gateway_latency_fast_burn', 1, 10],
      ['api_gateway_latency_slow_burn', 1, 30],
    ]);
  });

  it('puts the SLOs in the folder --folder names, made in the same run', async () => {
    const report = await setup({ folder: 'API health' });
    expect(report.mismatches).toEqual([]);
    const made = [...standIn.requests].filter((request) =>
      request.startsWith('POST /api/v2/default/folders/alerts'),
    );
    expect(made).toHaveLength(1);
    for (const slo of stored()) expect(slo.folder_id).toMatch(/^folder-\d+$/);
  });

  it('leaves SLOs in the folder they are in when --folder names another, and says so', async () => {
    await setup();
    const moved = await setup({ folder: 'ops' });
    expect(moved.changes.filter((change) => change.startsWith('SLO '))).toEqual([]);
    expect(moved.skipped).toContain(
      'SLO api_gateway_availability is in folder default, not "ops": it stays there',
    );
    for (const slo of stored()) expect(slo.folder_id).toBe('default');
    expect((await setup()).changes).toEqual([]);
  });

  it('names another stream’s SLOs after it, and leaves the default stream’s as they are', async () => {
    await setup();
    const other = await setup({ stream: 'api_gateway_test' });
    expect(other.changes).toContain(
      'SLO api_gateway_availability_api_gateway_test: create (target 99.9%, 30 days, per API and stage)',
    );
    expect(
      stored()
        .map((slo) => slo.name)
        .sort(),
    ).toEqual([
      'api_gateway_availability',
      'api_gateway_availability_api_gateway_test',
      'api_gateway_latency',
      'api_gateway_latency_api_gateway_test',
    ]);
    expect(sloNamed('api_gateway_availability').config.source.query.total.stream).toBe(STREAM);
  });

  it('names the SLOs of streams kept with capitals apart (a server that keeps them)', async () => {
    await setup({ stream: 'US_Orders' });
    await setup({ stream: 'EU_Orders' });
    expect(
      stored()
        .map((slo) => slo.name)
        .sort(),
    ).toEqual([
      'api_gateway_availability_eu_orders',
      'api_gateway_availability_us_orders',
      'api_gateway_latency_eu_orders',
      'api_gateway_latency_us_orders',
    ]);
  });

  it("leaves another stream's SLOs of the same name as they are (team:prod and team_prod)", async () => {
    await setup({ stream: 'team:prod' });
    const second = await setup({ stream: 'team_prod' });
    expect(second.changes.filter((change) => change.startsWith('SLO'))).toEqual([]);
    expect(second.skipped).toContainEqual(
      'SLO api_gateway_availability_team_prod: not installed. An SLO of that name watches stream "team:prod", whose name gives the same SLO names as "team_prod"; it is left as it is',
    );
    expect(sloNamed('api_gateway_availability_team_prod').config.source.query.total.stream).toBe(
      'team:prod',
    );
  });

  it('moves the SLOs a setup before the first event gave the lower-case stream to the one kept with capitals', async () => {
    // A server that keeps capitals: before the first event, setup took the lower-case name.
    await setup({ stream: 'api_gateway_prod' });
    const rerun = await setup({ stream: 'API_Gateway_Prod' });
    expect(rerun.changes).toContainEqual(
      expect.stringMatching(/^SLO api_gateway_availability_api_gateway_prod: update/),
    );
    expect(
      sloNamed('api_gateway_availability_api_gateway_prod').config.source.query.total.stream,
    ).toBe('API_Gateway_Prod');
  });

  it('changes nothing on a second run, and updates an SLO in place when a target changes', async () => {
    await setup();
    const before = sloNamed('api_gateway_availability');
    const again = scriptedIo();
    expect((await setup({}, again)).changes).toEqual([]);
    expect(again.asked).toBe(0);
    // What people set on an SLO stays: turned off, a tag of theirs.
    sloNamed('api_gateway_availability').enabled = false;
    sloNamed('api_gateway_availability').tags = ['api-gateway', 'team-payments'];
    const update = await setup({ availability: 99.5 });
    expect(update.changes).toEqual(['SLO api_gateway_availability: update description, target']);
    expect(update.mismatches).toEqual([]);
    const after = sloNamed('api_gateway_availability');
    expect(after).toMatchObject({
      id: before.id,
      target: 99.5,
      owner: before.owner,
      enabled: false,
      tags: ['api-gateway', 'team-payments'],
    });
    expect(stored()).toHaveLength(2);
  });

  it('leaves out a burn rate the target makes impossible, and says why', async () => {
    const report = await setup({ latencyTarget: 90 });
    expect(report.skipped).toContain(
      'alert api_gateway_latency_fast_burn: not installed. A burn rate of 14.4× cannot happen with a target of 90% (at most 10.00×)',
    );
    expect([...standIn.alerts.values()].map((alert) => alert.name)).not.toContain(
      'api_gateway_latency_fast_burn',
    );
  });

  it('installs everything else on an OpenObserve without the SLO API, or with it turned off, and says so', async () => {
    standIn.version = 'nightly';
    standIn.slo = 'none';
    const without = await setup({ alertDestination: undefined });
    expect(without.skipped).toContain(
      `SLOs: not installed: this OpenObserve answers 404 for its SLO API, which came with ${SLO_SINCE}`,
    );
    expect(without.changes).toContain(`dashboard "${DASHBOARD_TITLE}": create`);
    expect(without.mismatches).toEqual([]);
    standIn.slo = 'disabled';
    const off = await setup({ alertDestination: undefined });
    expect(off.skipped).toContainEqual(
      expect.stringMatching(
        /^SLOs: not installed: this OpenObserve has its SLO API turned off .*ZO_SLO_ENABLED=true$/,
      ),
    );
    expect(stored()).toEqual([]);
  });

  it('npm run openobserve -- slo: each SLO overall and per account, region, API and stage', async () => {
    await setup();
    const view = { coverage: 1, no_data: false, good: 9990, total: 10000 };
    standIn.sloStatus.set('api_gateway_availability', {
      overall: { ...view, group_key: '', sli: 99.9, error_budget_remaining: 0, burn_rate: 1 },
      groups: [
        {
          ...view,
          group_key: 'aws_account_id=111122223333,aws_region=eu-west-1,api_id=a1b2c3,stage=prod',
          sli: 99.5,
          error_budget_remaining: -400,
          burn_rate: 5,
        },
      ],
    });
    const statuses = await readSloStatus(api(), 'default');
    expect(statuses.map((slo) => slo.name).sort()).toEqual([
      'api_gateway_availability',
      'api_gateway_latency',
    ]);
    const availability = statuses.find((slo) => slo.name === 'api_gateway_availability');
    expect(availability?.groups).toEqual([
      {
        group: {
          aws_account_id: '111122223333',
          aws_region: 'eu-west-1',
          api_id: 'a1b2c3',
          stage: 'prod',
        },
        sli: 99.5,
        errorBudgetRemaining: -400,
        burnRate: 5,
        noData: false,
      },
    ]);
    const lines = formatSloStatus(statuses);
    expect(lines[0]).toMatch(
      /^SLO\s+target\s+account\s+region\s+API\s+stage\s+value\s+budget left\s+burn rate$/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^api_gateway_availability\s+99\.9%\s+111122223333\s+eu-west-1\s+a1b2c3\s+prod\s+99\.500%\s+-400\.000%\s+5\.00×$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^api_gateway_latency\s+99%\s+all\s+—\s+—\s+—$/),
    );
    const json = await cli(['slo', '--url', standIn.url, '--json'], {
      OPENOBSERVE_USER: USER,
      OPENOBSERVE_PASSWORD: PASSWORD,
    });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(statuses)));
    // --stream names one stream's SLOs, the default stream's too when named; what only setup
    // reads is a wrong command line here, whatever its value.
    const env = { OPENOBSERVE_USER: USER, OPENOBSERVE_PASSWORD: PASSWORD };
    const slosOf = async (...args: string[]) => {
      const answer = await cli(['slo', '--url', standIn.url, '--json', ...args], env);
      expect(answer.code).toBe(0);
      return (JSON.parse(answer.stdout) as { name: string }[]).map((slo) => slo.name).sort();
    };
    expect(await slosOf('--stream', 'other')).toEqual([]);
    await setup({ stream: 'other' });
    expect(await slosOf('--stream', 'other')).toEqual([
      'api_gateway_availability_other',
      'api_gateway_latency_other',
    ]);
    expect(await slosOf('--stream', 'api_gateway_access')).toEqual([
      'api_gateway_availability',
      'api_gateway_latency',
    ]);
    expect(await slosOf()).toHaveLength(4);
    const setupOnly = await cli(['slo', '--url', standIn.url, '--folder', 'x', '--yes'], env);
    expect(setupOnly.code).toBe(2);
    expect(setupOnly.stderr).toContain('--folder, --yes: setup only');
    const atDefault = await cli(['slo', '--url', standIn.url, '--availability', '99.9'], env);
    expect(atDefault.code).toBe(2);
    expect(atDefault.stderr).toContain('--availability: setup only');
  }, 30_000);
});

describe('npm run openobserve', () => {
  it('refuses clear-text http, missing credentials and bad options, before any request', async () => {
    // Nothing listens there: a request would end in a connection error, not these messages.
    const url = 'http://127.0.0.1:9';
    const env = { OPENOBSERVE_USER: USER, OPENOBSERVE_PASSWORD: PASSWORD };
    const http = await cli(['setup', '--url', 'http://openobserve.example.com', '--yes'], env);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('refused: --url must use https');
    const noPassword = await cli(['setup', '--url', url, '--yes'], { OPENOBSERVE_USER: USER });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('refused: set OPENOBSERVE_PASSWORD');
    const badRate = await cli(['setup', '--url', url, '--5xx-rate', '5'], env);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('--5xx-rate must be from 0 to 0.99');
    // The alert fires above the rate: at 1 (every request a 5xx) it never could.
    const never = await cli(['setup', '--url', url, '--5xx-rate', '1'], env);
    expect(never.code).toBe(2);
    // Not a URL is a wrong command line; under --json, a refusal is the one document too.
    const notUrl = await cli(['setup', '--url', 'openobserve', '--yes'], env);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain('usage: npm run openobserve');
    const refusedJson = await cli(['setup', '--url', url, '--yes', '--json'], {
      OPENOBSERVE_USER: USER,
    });
    expect(refusedJson.code).toBe(1);
    expect(JSON.parse(refusedJson.stdout)).toEqual({
      error: 'refused',
      message: expect.stringContaining('set OPENOBSERVE_PASSWORD'),
    });
  }, 30_000);

  it('sends credentials only over https or to a loopback address', () => {
    expect(secureUrl('https://api.openobserve.ai', '--url').href).toBe(
      'https://api.openobserve.ai/',
    );
    expect(secureUrl('http://127.0.0.1:5080', '--url').host).toBe('127.0.0.1:5080');
    expect(secureUrl('http://localhost:5080', '--url').host).toBe('localhost:5080');
    expect(() => secureUrl('http://openobserve.internal:5080', '--url')).toThrow(/must use https/);
    expect(() => secureUrl('http://10.0.0.5', '--url')).toThrow(/must use https/);
    expect(() => secureUrl('openobserve', '--url')).toThrow(/not a URL/);
  });
});
