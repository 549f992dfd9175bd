/**
 * The dashboard in OpenObserve's real web UI (v0.90.0) in headless Chromium: after
 * `npm run openobserve -- setup` and the processor's events for generated traffic, every panel of
 * every tab shows data and none an error. Skipped, saying why, without Chromium or the UI's files.
 */
import { TABS } from '../../../tools/openobserve/dashboard';
import {
  chromiumUnavailable,
  type InstalledDashboard,
  installDashboard,
  type TabView,
  viewDashboard,
} from '../../support/dashboard-browser';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';

const noChromium = chromiumUnavailable();
if (noChromium) process.stderr.write(`skipped (the dashboard in a browser): ${noChromium}\n`);
const describeInBrowser = noChromium
  ? (title: string, body: () => void) => describe.skip(`${title} (skipped: ${noChromium})`, body)
  : (title: string, body: () => void) => describeWithOpenObserve(title, body, { ui: true });

describeInBrowser("the dashboard in OpenObserve's web UI", () => {
  const server = useOpenObserve({ ui: true });
  let dashboard: InstalledDashboard;
  let views: TabView[];

  beforeAll(async () => {
    dashboard = await installDashboard(server(), 1_500);
    views = await viewDashboard(server(), dashboard);
  }, 240_000);

  it('has the tabs the dashboard defines', () => {
    expect(views.map((view) => view.tab)).toEqual(TABS.map((tab) => tab.name));
  });

  it.each(TABS.map((tab) => [tab.name, tab] as const))(
    'shows data in every panel of the %s tab, and no error',
    (name, tab) => {
      const view = views.find((candidate) => candidate.tab === name);
      expect(view?.panels.map((panel) => panel.title)).toEqual(
        tab.panels.map((panel) => panel.title),
      );
      const wrong = view?.panels.filter((panel) => panel.state !== 'data');
      expect(wrong).toEqual([]);
    },
  );
});
