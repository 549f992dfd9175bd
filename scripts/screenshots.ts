/**
 * `npm run screenshots`: the dashboard as people see it, one picture per tab in
 * docs/screenshots/. Starts OpenObserve v0.90.0 with its web UI on 127.0.0.1, runs
 * `npm run openobserve -- setup` against it, sends the processor's events for two hours of
 * generated traffic through its Firehose endpoint, opens each tab in headless Chromium and writes
 * `<tab>.png`. Exits 1, naming them, if a panel shows an error or no data.
 */
import { join } from 'node:path';
import {
  chromiumUnavailable,
  installDashboard,
  viewDashboard,
} from '../test/support/dashboard-browser';
import { openObserveUnavailable, startOpenObserve } from '../test/support/openobserve-server';

const missing = chromiumUnavailable() ?? openObserveUnavailable({ ui: true });
if (missing) {
  console.error(`cannot take the screenshots: ${missing}`);
  process.exit(1);
}
const folder = 'docs/screenshots';
const fileOf = (tab: string) => join(folder, `${tab.toLowerCase().replace(/\W+/g, '-')}.png`);
const server = await startOpenObserve({ ui: true });
try {
  const dashboard = await installDashboard(server);
  console.log(`OpenObserve ${server.url}: dashboard installed, ${dashboard.events} events sent`);
  const views = await viewDashboard(server, dashboard, fileOf);
  let empty = 0;
  for (const view of views) {
    const bad = view.panels.filter((panel) => panel.state !== 'data');
    empty += bad.length;
    console.log(
      `${fileOf(view.tab)}: ${view.panels.length} panels${bad.length ? `; ${bad.map((panel) => `${panel.title}: ${panel.state}`).join('; ')}` : ''}`,
    );
  }
  process.exitCode = empty ? 1 : 0;
} finally {
  await server.stop();
}
