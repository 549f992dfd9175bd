/**
 * The dashboard as people see it: OpenObserve's real web UI (v0.90.0, ../shared/openobserve/) in
 * headless Chromium (Debian's `chromium`, driven by npm `playwright-core`), with the dashboard
 * `npm run openobserve -- setup` installed and the processor's events for generated traffic sent
 * through the Firehose endpoint. Used by the browser test and by `npm run screenshots`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { liveTraffic } from '../../bench/batches';
import { DEFAULT_STREAM } from '../../tools/openobserve/stream-settings';
import { runBatch } from './batches';
import { okData } from './datafusion';
import { firehoseEvent } from './firehose-event';
import type { RealOpenObserve } from './openobserve-server';

const run = promisify(execFile);

/** Debian's package, or CHROMIUM_PATH. Browser downloads do not work on every machine. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser cannot run here; undefined when it can. */
export function chromiumUnavailable(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `no Chromium at ${CHROMIUM} (Debian package chromium, or set CHROMIUM_PATH)`;
}

/**
 * What a headless Chromium needs on a machine with no network: no sandbox (root), no GPU, and no
 * background connections, which the closed network refuses many at a time.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface InstalledDashboard {
  readonly id: string;
  readonly folder: string;
  readonly tabs: readonly { readonly id: string; readonly name: string }[];
  /** Events sent, by what they stand for. */
  readonly events: number;
}

/**
 * `npm run openobserve -- setup` against the server, then the processor's events for `requests`
 * generated requests of the last two hours sent through its Firehose endpoint.
 */
export async function installDashboard(
  server: RealOpenObserve,
  requests = 4_000,
): Promise<InstalledDashboard> {
  await run(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve('tools/run.ts'),
      'openobserve',
      'setup',
      '--url',
      server.url,
      '--org',
      'default',
      '--stream',
      DEFAULT_STREAM,
      '--yes',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TMPDIR: process.env.TMPDIR ?? '',
        OPENOBSERVE_USER: server.user,
        OPENOBSERVE_PASSWORD: server.password,
      },
    },
  );
  const lines = liveTraffic(Date.now(), 110, requests);
  // One request a record: each record's data is one event line and its newline.
  const arrivalMs = Date.now();
  const events = okData(runBatch(firehoseEvent(lines.map((text) => ({ text, arrivalMs }))))).map(
    (data) => Buffer.from(data, 'base64').toString('utf8').slice(0, -1),
  );
  for (let i = 0; i < events.length; i += 500) {
    await server.send(DEFAULT_STREAM, events.slice(i, i + 500));
  }
  const { dashboards } = await server.api().request('GET', '/api/default/dashboards');
  const [dashboard] = dashboards as {
    dashboard_id: string;
    folder_id: string;
    v8: { tabs: { tabId: string; name: string }[] };
  }[];
  if (!dashboard) throw new Error('setup installed no dashboard');
  return {
    id: dashboard.dashboard_id,
    folder: dashboard.folder_id,
    tabs: dashboard.v8.tabs.map((tab) => ({ id: tab.tabId, name: tab.name })),
    events: events.length,
  };
}

/** A panel as the UI shows it: with data, "No Data", or an error. */
export interface PanelView {
  readonly title: string;
  readonly state: 'data' | 'no data' | 'error';
  readonly detail?: string;
}

/** One tab's panels as they read once they stopped changing. */
async function panelsOf(page: Page): Promise<PanelView[]> {
  return page.$$eval('[data-test=dashboard-panel-container]', (containers) =>
    containers.map((container) => {
      const marker = container.querySelector('[data-test$="-dropdown"]')?.getAttribute('data-test');
      const title = marker?.replace(/^dashboard-edit-panel-/, '').replace(/-dropdown$/, '') ?? '?';
      const error = container.querySelector('[data-test=panel-error-data]');
      // The no-data element is there, empty, while the panel shows data.
      const noData = container.querySelector('[data-test=no-data]')?.textContent?.trim() ?? '';
      if (error) return { title, state: 'error' as const, detail: error.textContent ?? '' };
      if (noData) return { title, state: 'no data' as const, detail: noData };
      return { title, state: 'data' as const };
    }),
  );
}

export interface TabView {
  readonly tab: string;
  readonly panels: readonly PanelView[];
}

/**
 * Logs in as the server's root user and opens every tab of the dashboard over the last two hours,
 * in a window tall enough for every panel to load (panels load when they come into view). Waits
 * until no panel is still empty, or 30 seconds; with `screenshots`, writes `<tab>.png` of each tab
 * through `screenshots(tab)`.
 */
export async function viewDashboard(
  server: RealOpenObserve,
  dashboard: InstalledDashboard,
  screenshot?: (tab: string) => string,
): Promise<TabView[]> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 2600 } });
    await page.goto(`${server.url}/web/login`, { waitUntil: 'networkidle' });
    await page.fill('[data-cy=login-user-id]', server.user);
    await page.fill('[data-cy=login-password]', server.password);
    await page.click('[data-cy=login-sign-in]');
    await page.waitForURL(/\/web\/(\?|$)/);
    const views: TabView[] = [];
    for (const tab of dashboard.tabs) {
      const query = new URLSearchParams({
        org_identifier: 'default',
        dashboard: dashboard.id,
        folder: dashboard.folder,
        tab: tab.id,
        period: '2h',
      });
      await page.goto(`${server.url}/web/dashboards/view?${query}`, { waitUntil: 'networkidle' });
      let panels = await panelsOf(page);
      for (let waited = 0; waited < 30_000; waited += 500) {
        if (panels.length > 0 && panels.every((panel) => panel.state !== 'no data')) break;
        await page.waitForTimeout(500);
        panels = await panelsOf(page);
      }
      // Charts animate in; the picture is taken once they are drawn.
      await page.waitForTimeout(1_500);
      if (screenshot) {
        // Down to the last panel: the window is taller than any tab.
        const bottom = await page.$$eval('[data-test=dashboard-panel-container]', (containers) =>
          Math.max(...containers.map((container) => container.getBoundingClientRect().bottom)),
        );
        await page.screenshot({
          path: screenshot(tab.name),
          clip: { x: 0, y: 0, width: 1440, height: Math.ceil(bottom) + 12 },
        });
      }
      views.push({ tab: tab.name, panels });
    }
    return views;
  } finally {
    await browser.close();
  }
}
