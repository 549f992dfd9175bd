import { readdirSync, readFileSync } from 'node:fs';
import { alertSpecs, DEFAULT_THRESHOLDS } from '../../../tools/openobserve/alerts';
import { openObserveFiles } from '../../../tools/openobserve/files';

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
    // Same contents; the layout is Biome's (`npm run lint` checks it).
    for (const [path, contents] of Object.entries(built)) {
      expect({ path, json: JSON.parse(readFileSync(path, 'utf8')) }).toEqual({
        path,
        json: JSON.parse(contents),
      });
    }
  });
});

describe('the API health dashboard (schema version 8, docs/contracts.md §6)', () => {
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

  it('defines every variable a query uses, and the stream, account, region, API, stage, resource and method filters', () => {
    const defined = new Set(dashboard.variables.list.map((variable: Json) => variable.name));
    expect([...defined]).toEqual([
      'stream',
      'aws_account_id',
      'aws_region',
      'api_id',
      'stage',
      'resource_path',
      'http_method',
    ]);
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

/** Hue in degrees of a `#rrggbb` colour. */
function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16) / 255) as [
    number,
    number,
    number,
  ];
  const max = Math.max(r, g, b);
  const range = max - Math.min(r, g, b);
  if (range === 0) return 0;
  const sector =
    max === r ? (g - b) / range + 6 : max === g ? (b - r) / range + 2 : (r - g) / range + 4;
  return (sector * 60) % 360;
}
const HUES: Record<string, (degrees: number) => boolean> = {
  green: (h) => h >= 90 && h <= 150,
  blue: (h) => h >= 195 && h <= 245,
  amber: (h) => h >= 35 && h <= 55,
  red: (h) => h >= 345 || h <= 10,
};
const hueName = (hex: string) => Object.keys(HUES).find((name) => HUES[name]?.(hue(hex)));

const CHARTS = ['line', 'area-stacked', 'bar', 'h-bar'];
const severalSeries = (panel: Json) =>
  CHARTS.includes(panel.type) &&
  (panel.queries[0].fields.breakdown.length > 0 || panel.queries[0].fields.y.length > 1);
const columnsOf = (panel: Json): string[] =>
  [...panel.queries[0].fields.x, ...panel.queries[0].fields.y].map((item: Json) => item.alias);
const seriesColors = (panel: Json): [string, string][] =>
  (panel.config.color?.colorBySeries ?? []).map((entry: Json) => [entry.value, entry.color]);
const titled = (title: string): Json => {
  const panel = panels.find((candidate) => candidate.title === title);
  if (!panel) throw new Error(`no panel titled ${title}`);
  return panel;
};

describe('the dashboard as a reader sees it', () => {
  it('gives every series of a chart with several its own fixed colour', () => {
    const charts = panels.filter(severalSeries);
    expect(charts.map((panel) => panel.title)).toEqual(
      expect.arrayContaining([
        'Requests per minute by status class',
        'Error rate per minute (%)',
        'Latency per minute: p50, p95, p99 (ms)',
        'Events per minute by log format',
      ]),
    );
    for (const panel of charts) {
      const colors = seriesColors(panel);
      const { y } = panel.queries[0].fields;
      const named = y.length > 1 ? y.map((item: Json) => item.label) : [];
      expect({ panel: panel.title, named: colors.map(([series]) => series) }).toEqual({
        panel: panel.title,
        named: expect.arrayContaining(named),
      });
      expect(colors.length).toBeGreaterThan(1);
      expect(new Set(colors.map(([, color]) => color.toLowerCase())).size).toBe(colors.length);
    }
  });

  it('draws status classes 2xx green, 3xx blue, 4xx amber, 5xx red, in that order, and 4xx and 5xx rates alike', () => {
    const byClass = panels.filter((panel) =>
      panel.queries[0].fields.breakdown.some((item: Json) => item.alias === 'status_class'),
    );
    expect(byClass.length).toBeGreaterThan(0);
    for (const panel of byClass) {
      expect(seriesColors(panel).map(([series, color]) => [series, hueName(color)])).toEqual([
        ['2xx', 'green'],
        ['3xx', 'blue'],
        ['4xx', 'amber'],
        ['5xx', 'red'],
      ]);
    }
    expect(
      seriesColors(titled('Error rate per minute (%)')).map(([series, color]) => [
        series,
        hueName(color),
      ]),
    ).toEqual([
      ['rate_4xx_pct', 'amber'],
      ['rate_5xx_pct', 'red'],
    ]);
  });

  it('prints counts as whole numbers', () => {
    const counts = new Set(['requests', 'responses_4xx', 'responses_5xx', 'throttled', 'events']);
    const countPanels = panels.filter((panel) =>
      panel.queries[0].fields.y.some((item: Json) => counts.has(item.alias)),
    );
    expect(countPanels.length).toBeGreaterThan(8);
    for (const panel of [...countPanels, ...panels.filter((p) => p.type === 'table')]) {
      expect({ panel: panel.title, decimals: panel.config.decimals }).toEqual({
        panel: panel.title,
        decimals: 0,
      });
      expect(panel.config.unit).toBeUndefined();
    }
  });

  it('prints rates with a percent sign', () => {
    const rates = panels.filter((panel) =>
      columnsOf(panel).some((column) => column.endsWith('_pct')),
    );
    expect(rates.map((panel) => panel.title)).toEqual([
      '5xx rate (%)',
      'Error rate per minute (%)',
    ]);
    for (const panel of rates) expect(panel.config.unit).toBe('percent');
  });

  it('prints latency in ms, whatever its size (the `milliseconds` unit prints 0 as "0.00ns")', () => {
    const ms = { unit: 'custom', unit_custom: 'ms', decimals: 0 };
    const charts = panels.filter((panel) =>
      panel.queries[0].fields.y.some((item: Json) => item.alias.endsWith('_ms')),
    );
    expect(charts.map((panel) => panel.title)).toEqual([
      'Latency per minute: p50, p95, p99 (ms)',
      "API Gateway's own share: p95 overhead per minute (ms)",
      'Streamed responses: time to first byte against latency, p95 per minute (ms)',
      'Top resources by p95 latency (ms)',
      'Authorizer p95 latency per minute (ms)',
    ]);
    for (const panel of charts) {
      expect({ panel: panel.title, config: panel.config }).toEqual({
        panel: panel.title,
        config: expect.objectContaining(ms),
      });
    }
    const latencyColumns = ['response_latency', 'integration_latency'];
    for (const panel of panels.filter((p) => p.type === 'table')) {
      const overridden = (panel.config.override_config ?? [])
        .filter((o: Json) => o.config[0].type === 'unit' && o.config[0].value.customUnit === 'ms')
        .map((o: Json) => o.field.value);
      expect({ panel: panel.title, ms: overridden.sort() }).toEqual({
        panel: panel.title,
        ms: columnsOf(panel)
          .filter((column) => latencyColumns.includes(column))
          .sort(),
      });
    }
    expect(JSON.stringify(dashboard)).not.toContain('"milliseconds"');
  });

  it("shows first the columns each table's title promises, all within the panel's width", () => {
    const promised: Record<string, string[]> = {
      'Slowest requests': ['response_latency', 'integration_latency', 'status', 'http_method'],
      'Latest failed requests': ['status', '_timestamp', 'http_method', 'resource_path'],
      'Top error messages': ['requests', 'error_message'],
      'Top user agents': ['requests', 'user_agent'],
      'Top source addresses': ['requests', 'source_ip'],
      'Unparsed lines by reason': ['events', 'parse_error'],
      'Latest unparsed lines': ['_timestamp', 'parse_error', 'message'],
      'Top API keys by requests': ['requests', 'api_key_id'],
      'Top API keys by 429 and 403': ['refused', 'api_key_id'],
    };
    const tables = panels.filter((panel) => panel.type === 'table');
    expect(tables.map((panel) => panel.title).sort()).toEqual(Object.keys(promised).sort());
    // A column is 150 px unless dragged; the grid's 192 columns span about 1,280 px on a laptop.
    const visible = (panel: Json) => Math.floor(((panel.layout.w / 192) * 1280) / 150);
    for (const panel of tables) {
      const first = promised[panel.title] as string[];
      expect({ panel: panel.title, first: columnsOf(panel).slice(0, first.length) }).toEqual({
        panel: panel.title,
        first,
      });
      expect(visible(panel)).toBeGreaterThanOrEqual(first.length);
    }
  });

  it('gives no vertical chart a y-axis title to overlap its ticks, and every latency bucket its label', () => {
    for (const panel of panels.filter((p) => ['line', 'area-stacked', 'bar'].includes(p.type))) {
      const { y } = panel.queries[0].fields;
      if (y.length === 1)
        expect({ panel: panel.title, label: y[0].label }).toEqual({
          panel: panel.title,
          label: '',
        });
    }
    expect(titled('Latency buckets').config.axis_label_rotate).toBeGreaterThanOrEqual(30);
    expect(panels.filter((panel) => panel.type === 'pie')).toEqual([]);
  });

  it('puts the totals first and the tables last on the API tab', () => {
    const [apiTab] = dashboard.tabs;
    const metrics = apiTab.panels.filter((panel: Json) => panel.type === 'metric');
    const tables = apiTab.panels.filter((panel: Json) => panel.type === 'table');
    const charts = apiTab.panels.filter((panel: Json) => CHARTS.includes(panel.type));
    expect(metrics.map((panel: Json) => panel.layout.y)).toEqual([0, 0, 0, 0]);
    const bottom = (panel: Json) => panel.layout.y + panel.layout.h;
    const chartsEnd = Math.max(...charts.map(bottom));
    expect(Math.min(...charts.map((panel: Json) => panel.layout.y))).toBe(
      Math.max(...metrics.map(bottom)),
    );
    for (const table of tables) expect(table.layout.y).toBeGreaterThanOrEqual(chartsEnd);
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

  it('says its thresholds as people write them', () => {
    const [rate] = alertSpecs('s', { ...DEFAULT_THRESHOLDS, rate5xx: 0.07 });
    expect(rate?.description).toMatch(/^5xx responses above 7% of requests/);
  });
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('names every alert and the setup command', () => {
    for (const { alert } of alerts) expect(readme).toContain(`\`${alert.name}\``);
    expect(readme).toContain('npm run openobserve -- setup --url');
  });
});
