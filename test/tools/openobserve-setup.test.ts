import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openObserveApi, UnexpectedAnswer } from '../../tools/openobserve/api';
import {
  alertSpecs,
  DASHBOARD_TITLE,
  DEFAULT_THRESHOLDS,
  STREAM_SETTINGS,
} from '../../tools/openobserve/health';
import { type SetupOptions, setupHealth } from '../../tools/openobserve/setup';
import { secureUrl } from '../../tools/shared/endpoint';
import { Refused } from '../../tools/shared/prompt';
import { scriptedIo } from './io';
import { type OpenObserveServer, PASSWORD, startOpenObserve, USER } from './openobserve-server';

const run = promisify(execFile);
let server: OpenObserveServer;

beforeEach(async () => {
  server = await startOpenObserve();
});
afterEach(() => server.close());

const OPTIONS: SetupOptions = {
  org: 'default',
  stream: 'api_gateway_access',
  alertDestination: 'oncall',
  retentionDays: 30,
  thresholds: DEFAULT_THRESHOLDS,
  dryRun: false,
};

/** A stream that has received data, and a destination: what alerts need (docs/contracts.md §6). */
function streamWithData() {
  server.streams.set('api_gateway_access', {
    fields: ['_timestamp', 'request_id', 'status'],
    settings: { full_text_search_keys: ['log', 'message'], data_retention: 0 },
  });
  server.destinations.add('oncall');
}

const api = (password = PASSWORD) => openObserveApi(new URL(server.url), { user: USER, password });
const setup = (options: Partial<SetupOptions> = {}, io = scriptedIo(), password?: string) =>
  setupHealth({ ...OPTIONS, ...options }, api(password), io);
const writes = () => server.requests.filter((line) => !line.startsWith('GET'));

describe('openobserve setup', () => {
  it('installs the dashboard, the stream settings and four alerts, and reads them back', async () => {
    streamWithData();
    const io = scriptedIo();
    const report = await setup({}, io);

    expect(report.mismatches).toEqual([]);
    expect(report.changes).toEqual([
      `dashboard "${DASHBOARD_TITLE}": create`,
      expect.stringMatching(
        /^stream "api_gateway_access" settings: index_fields \+ api_id, stage; bloom_filter_fields \+ request_id; full_text_search_keys .*− log; data_retention 0 → 30 days$/,
      ),
      ...alertSpecs('api_gateway_access', DEFAULT_THRESHOLDS).map(
        (spec) => `alert ${spec.name}: create`,
      ),
    ]);
    const [dashboard] = [...server.dashboards.values()];
    expect(dashboard?.v8.title).toBe(DASHBOARD_TITLE);
    expect(dashboard?.folder).toBe('default');
    const settings = server.streams.get('api_gateway_access')?.settings;
    expect(settings?.bloom_filter_fields).toEqual(['request_id']);
    expect(settings?.index_fields).toEqual(['api_id', 'stage']);
    expect([...(settings?.full_text_search_keys ?? [])].sort()).toEqual(
      [...STREAM_SETTINGS.full_text_search_keys].sort(),
    );
    expect(settings?.data_retention).toBe(30);
    const alerts = [...server.alerts.values()].map((a) => a.alert);
    expect(alerts.map((a) => [a.name, a.enabled, a.destinations])).toEqual(
      alertSpecs('api_gateway_access', DEFAULT_THRESHOLDS).map((spec) => [
        spec.name,
        true,
        ['oncall'],
      ]),
    );
    expect(io.lines).toContain('Read back: everything is as sent.');
  });

  it('changes nothing on a second run, and says so', async () => {
    streamWithData();
    await setup();
    server.requests.length = 0;
    const io = scriptedIo();
    const report = await setup({}, io);
    expect(report.changes).toEqual([]);
    expect(writes()).toEqual([]);
    expect(io.lines.at(-1)).toMatch(/^Nothing to change/);
  });

  it('puts back a dashboard changed in the UI, with the hash it read', async () => {
    streamWithData();
    await setup();
    const [id, stored] = [...server.dashboards][0] ?? [];
    if (!id || !stored) throw new Error('no dashboard installed');
    stored.v8 = {
      ...stored.v8,
      tabs: [{ ...stored.v8.tabs[0], panels: stored.v8.tabs[0].panels.slice(1) }],
    };
    stored.hash = 'edited-in-ui';
    const edited = stored.v8.tabs[0].panels.length;
    server.requests.length = 0;
    const report = await setup();
    expect(report.changes).toEqual([expect.stringMatching(/^dashboard .*: update/)]);
    expect(writes()).toEqual([`PUT /api/default/dashboards/${id}`]);
    expect(report.mismatches).toEqual([]);
    expect(server.dashboards.get(id)?.v8.tabs[0].panels).toHaveLength(edited + 1);
  });

  it('stops without overwriting when the dashboard changed meanwhile (409)', async () => {
    streamWithData();
    await setup();
    const [stored] = [...server.dashboards.values()];
    if (stored) stored.v8 = { ...stored.v8, title: DASHBOARD_TITLE, tabs: [] };
    server.changeDashboardBeforeNextUpdate();
    await expect(setup()).rejects.toThrow(
      /changed in OpenObserve after setup read it \(HTTP 409\)/,
    );
    expect(stored?.v8.description).toBe('edited by someone else');
  });

  it('names the credentials on 401', async () => {
    await expect(setup({}, scriptedIo(), 'wrong')).rejects.toThrow(
      new Refused(
        'OpenObserve refused the credentials (HTTP 401): check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
      ),
    );
  });

  it('names an unknown organization, and an unknown alert destination (404)', async () => {
    streamWithData();
    await expect(setup({ org: 'acme' })).rejects.toThrow(/no organization "acme" \(HTTP 404/);
    await expect(setup({ alertDestination: 'pager' })).rejects.toThrow(
      /no alert destination "pager" in organization "default" \(HTTP 404\)/,
    );
    expect(writes()).toEqual([]);
  });

  it('reports a setting that reads back other than asked, instead of claiming it', async () => {
    streamWithData();
    server.ignoredSettings.add('bloom_filter_fields');
    const io = scriptedIo();
    const report = await setup({}, io);
    expect(report.mismatches).toEqual([
      'stream settings: asked for bloom_filter_fields request_id; OpenObserve reports none',
    ]);
    expect(io.lines).toContain(
      '! stream settings: asked for bloom_filter_fields request_id; OpenObserve reports none',
    );
    expect(io.lines).not.toContain('Read back: everything is as sent.');
  });

  it('without a destination, installs the rest and says why the alerts are not there', async () => {
    streamWithData();
    const io = scriptedIo();
    const report = await setup({ alertDestination: undefined }, io);
    expect(report.skipped).toEqual([
      expect.stringMatching(/^alerts: not installed\. .*--alert-destination NAME/),
    ]);
    expect(server.alerts.size).toBe(0);
    expect(server.dashboards.size).toBe(1);
    expect(io.lines.join('\n')).toContain('alerts: not installed');
  });

  it('creates a new stream with the fields the processor writes, so alerts work at once', async () => {
    server.destinations.add('oncall');
    const report = await setup();
    const stream = server.streams.get('api_gateway_access');
    expect(stream?.fields).toEqual(
      expect.arrayContaining(['request_id', 'sample_rate', 'error_message']),
    );
    expect(stream?.settings.bloom_filter_fields).toEqual(['request_id']);
    expect(report.skipped).toEqual([]);
    expect(server.alerts.size).toBe(4);
    expect(report.mismatches).toEqual([]);
  });

  it('leaves the alerts for a rerun on a stream that exists without fields', async () => {
    server.destinations.add('oncall');
    server.streams.set('api_gateway_access', { fields: [], settings: {} });
    const report = await setup();
    expect(report.skipped).toEqual([
      expect.stringMatching(/^alerts: not installed yet\. .*received data/),
    ]);
    expect(server.alerts.size).toBe(0);
  });

  it('puts dashboard and alerts into a named folder, creating it once', async () => {
    streamWithData();
    await setup({ folder: 'API health' });
    await setup({ folder: 'API health' });
    const folderIds = new Set([...server.dashboards.values()].map((d) => d.folder));
    expect(folderIds.size).toBe(1);
    expect(folderIds.has('default')).toBe(false);
    expect(
      server.requests.filter((r) => r === 'POST /api/v2/default/folders/dashboards'),
    ).toHaveLength(1);
    expect(server.dashboards.size).toBe(1);
  });

  it('changes nothing in a dry run or when the answer is no', async () => {
    streamWithData();
    const dry = await setup({ dryRun: true });
    expect(dry.changes.length).toBeGreaterThan(0);
    await setup({}, scriptedIo(false));
    expect(writes()).toEqual([]);
  });

  it('refuses an OpenObserve whose answers do not fit §6', async () => {
    server.misfit = true;
    await expect(setup()).rejects.toThrow(UnexpectedAnswer);
  });

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

describe('npm run openobserve', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ['--import', 'tsx', 'tools/run.ts', 'openobserve', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    }).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('installs with credentials from the environment, then finds nothing to change', async () => {
    streamWithData();
    const env = { OPENOBSERVE_USER: USER, OPENOBSERVE_PASSWORD: PASSWORD };
    const args = ['setup', '--url', server.url, '--alert-destination', 'oncall', '--yes'];
    const first = await cli(args, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✓ dashboard "${DASHBOARD_TITLE}": create`);
    const second = await cli(args, env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to change');
  }, 30_000);

  it('refuses clear-text http, missing credentials and bad options', async () => {
    const env = { OPENOBSERVE_USER: USER, OPENOBSERVE_PASSWORD: PASSWORD };
    const http = await cli(['setup', '--url', 'http://openobserve.example.com', '--yes'], env);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('refused: --url must use https');
    const noPassword = await cli(['setup', '--url', server.url, '--yes'], {
      OPENOBSERVE_USER: USER,
    });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('refused: set OPENOBSERVE_PASSWORD');
    const badRate = await cli(['setup', '--url', server.url, '--5xx-rate', '5'], env);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('--5xx-rate must be from 0 to 1');
    expect(server.requests).toEqual([]);
  }, 30_000);
});
