import { readdirSync, readFileSync } from 'node:fs';
import { openObserveFiles } from '../../tools/openobserve/files';

/** The files as a user imports them: what is in the repository, not what the code would build. */
const dashboard = JSON.parse(readFileSync('openobserve/api-gateway.dashboard.json', 'utf8'));
const alertFiles = readdirSync('openobserve/alerts').sort();
const alerts = alertFiles.map((file) => ({
  file,
  alert: JSON.parse(readFileSync(`openobserve/alerts/${file}`, 'utf8')),
}));

// biome-ignore lint/suspicious/noExplicitAny: JSON as a user imports it, checked field by field below.
type Json = Record<string, any>;
const panels: Json[] = dashboard.tabs.flatMap((tab: Json) => tab.panels);

/** Names of the `$name`, `${name}` and `${name:format}` references in a query. */
function referencedVariables(sql: string): string[] {
  return [...sql.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] as string);
}

describe('openobserve/', () => {
  it('holds what `npm run openobserve:files` builds', () => {
    const built = openObserveFiles();
    expect(
      [
        'openobserve/api-gateway.dashboard.json',
        'openobserve/stream.json',
        ...alertFiles.map((f) => `openobserve/alerts/${f}`),
      ].sort(),
    ).toEqual(Object.keys(built).sort());
    for (const [path, contents] of Object.entries(built)) {
      expect(readFileSync(path, 'utf8')).toBe(contents);
    }
  });
});

describe('the API health dashboard (schema version 8, §6)', () => {
  it('has the fields an import requires', () => {
    expect(dashboard.version).toBe(8);
    expect(typeof dashboard.title).toBe('string');
    expect(typeof dashboard.description).toBe('string');
    expect(dashboard.defaultDatetimeDuration).toEqual({
      type: 'relative',
      relativeTimePeriod: '1h',
    });
    for (const tab of dashboard.tabs) {
      expect(tab).toEqual(
        expect.objectContaining({ tabId: expect.any(String), name: expect.any(String) }),
      );
    }
    for (const panel of panels) {
      expect(panel).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          type: expect.stringMatching(/^(line|area-stacked|bar|h-bar|pie|table|metric)$/),
          title: expect.any(String),
          description: expect.stringMatching(/\S{3}/),
          queryType: 'sql',
        }),
      );
      expect(typeof panel.config.show_legends).toBe('boolean');
      expect(panel.queries).toHaveLength(1);
      const [query] = panel.queries;
      expect(query.customQuery).toBe(true);
      expect(typeof query.query).toBe('string');
      expect(query.fields).toEqual(
        expect.objectContaining({
          stream: 'api_gateway_access',
          stream_type: 'logs',
          x: expect.any(Array),
          y: expect.any(Array),
          z: [],
          filter: { filterType: 'group', logicalOperator: 'AND', conditions: [] },
        }),
      );
      expect(typeof query.config.promql_legend).toBe('string');
      for (const item of [...query.fields.x, ...query.fields.y, ...query.fields.breakdown]) {
        expect(item).toEqual(
          expect.objectContaining({ label: expect.any(String), alias: expect.any(String) }),
        );
      }
    }
  });

  it('gives every panel a unique id', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lays every tab out within the 192-column grid, no two panels overlapping', () => {
    for (const tab of dashboard.tabs) {
      const boxes = tab.panels.map((panel: Json) => panel.layout);
      for (const box of boxes) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.w).toBeGreaterThan(0);
        expect(box.h).toBeGreaterThan(0);
        expect(box.x + box.w).toBeLessThanOrEqual(192);
      }
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const apart =
            a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
          expect({ a, b, apart }).toEqual({ a, b, apart: true });
        }
      }
    }
  });

  it('defines every variable a query uses, and the stream, API, stage, resource and method filters', () => {
    const defined = new Set(dashboard.variables.list.map((variable: Json) => variable.name));
    expect([...defined]).toEqual(['stream', 'api_id', 'stage', 'resource_path', 'http_method']);
    for (const panel of panels) {
      for (const name of referencedVariables(panel.queries[0].query)) {
        expect({ panel: panel.title, name, defined: defined.has(name) }).toEqual({
          panel: panel.title,
          name,
          defined: true,
        });
      }
    }
  });

  it('takes filter values from the stream, several at once, "All" by default', () => {
    const [stream, ...filters] = dashboard.variables.list;
    expect(stream).toEqual(
      expect.objectContaining({ type: 'textbox', value: 'api_gateway_access' }),
    );
    for (const variable of filters) {
      expect(variable).toEqual(
        expect.objectContaining({
          type: 'query_values',
          multiSelect: true,
          selectAllValueForMultiSelect: 'all',
          query_data: expect.objectContaining({
            stream_type: 'logs',
            stream: 'api_gateway_access',
            field: variable.name,
          }),
        }),
      );
    }
  });

  it('filters every API panel by all four variables, written so that "All" becomes true', () => {
    const apiTab = dashboard.tabs[0];
    for (const panel of apiTab.panels) {
      for (const name of ['api_id', 'stage', 'resource_path', 'http_method']) {
        expect(panel.queries[0].query).toContain(`${name} IN (\${${name}:singlequote})`);
      }
    }
  });
});

describe('the alert pack (§6)', () => {
  it('has the four alerts', () => {
    expect(alerts.map(({ alert }) => alert.name).sort()).toEqual([
      'api_gateway_5xx_rate',
      'api_gateway_no_events',
      'api_gateway_p95_latency',
      'api_gateway_throttled',
    ]);
  });

  it.each(alerts.map(({ file, alert }) => [file, alert] as const))(
    '%s is a scheduled SQL alert OpenObserve accepts',
    (_file, alert) => {
      // OpenObserve refuses names with other characters and SQL with SELECT *
      // (src/core/src/alerts/alert.rs, src/core/src/http.rs).
      expect(alert.name).toMatch(/^[a-z0-9_]+$/);
      expect(alert.query_condition.sql).not.toMatch(/SELECT\s+\*/i);
      expect(alert).toEqual(
        expect.objectContaining({
          stream_type: 'logs',
          stream_name: 'api_gateway_access',
          is_real_time: false,
          query_condition: { type: 'sql', sql: expect.any(String) },
          description: expect.stringMatching(/\S{3}/),
          destinations: [],
          enabled: false,
        }),
      );
      const trigger = alert.trigger_condition;
      expect(['=', '!=', '>', '>=', '<', '<=']).toContain(trigger.operator);
      expect(Number.isInteger(trigger.threshold)).toBe(true);
      expect(trigger.period).toBeGreaterThanOrEqual(5);
      expect(trigger.frequency_type).toBe('minutes');
      expect(trigger.frequency).toBeLessThanOrEqual(trigger.period);
      expect(trigger.silence).toBeGreaterThan(0);
    },
  );
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('names every alert and the setup command', () => {
    for (const { alert } of alerts) expect(readme).toContain(`\`${alert.name}\``);
    expect(readme).toContain('npm run openobserve -- setup --url');
  });
});
