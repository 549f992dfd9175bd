/**
 * Every query we ship (dashboard panels, alerts, the docs' examples) on Apache DataFusion, OpenObserve's query
 * engine (docs/contracts.md §6), over the events the processor writes for events/ and the corpus. The
 * expected values are counted here from the events themselves.
 */
import {
  alertSpecs,
  buildAlert,
  DEFAULT_THRESHOLDS,
  type Thresholds,
} from '../../../tools/openobserve/alerts';
import { buildDashboard, FILTER_VARIABLES } from '../../../tools/openobserve/dashboard';
import { buildSlos, SLO_GROUP_BY } from '../../../tools/openobserve/slos';
import { DEFAULT_STREAM, STREAM_FIELDS } from '../../../tools/openobserve/stream-settings';
import {
  ALL,
  type Answer,
  asServerRuns,
  documentedQueries,
  type Event,
  processorEvents,
  quantileBounds,
  type Row,
  runSql,
  type Variables,
} from '../../support/datafusion';

const events = processorEvents();
const dashboard = buildDashboard(DEFAULT_STREAM);
const panels = dashboard.tabs.flatMap((tab) => tab.panels);

const ALL_VALUES: Variables = {
  stream: DEFAULT_STREAM,
  ...Object.fromEntries(FILTER_VARIABLES.map((name) => [name, [ALL]])),
};
/** One value per variable, each present in the corpus. */
const ONE_VALUE = {
  aws_account_id: '123456789012',
  aws_region: 'us-east-1',
  api_id: 'a1b2c3d4e5',
  stage: 'prod',
  resource_path: '/orders',
  http_method: 'POST',
};
const ONE: Variables = {
  stream: DEFAULT_STREAM,
  ...Object.fromEntries(Object.entries(ONE_VALUE).map(([name, value]) => [name, [value]])),
};

const requests = events.filter((event) => event.status !== undefined);
const selected = requests.filter((event) =>
  Object.entries(ONE_VALUE).every(([name, value]) => event[name] === value),
);

const answers = new Map<string, { all: Answer; one: Answer }>();
beforeAll(() => {
  const queries = panels.flatMap((panel) => [
    asServerRuns(panel.queries[0]?.query ?? '', ALL_VALUES),
    asServerRuns(panel.queries[0]?.query ?? '', ONE),
  ]);
  const results = runSql(DEFAULT_STREAM, events, queries);
  panels.forEach((panel, index) => {
    answers.set(panel.title, {
      all: results[2 * index] as Answer,
      one: results[2 * index + 1] as Answer,
    });
  });
});

function rowsOf(title: string, which: 'all' | 'one' = 'all'): Row[] {
  const answer = answers.get(title)?.[which];
  if (!answer) throw new Error(`no panel titled ${title}`);
  if (answer.error) throw new Error(`${title}: ${answer.error}`);
  return answer.rows ?? [];
}

const count = (list: readonly Event[], keep: (event: Event) => boolean) => list.filter(keep).length;
function countBy(list: readonly Event[], field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of list) {
    const key = String(event[field] ?? null);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('the test data', () => {
  it('has requests of every status class, in more than one API stage, and unparsed lines', () => {
    expect(Object.keys(countBy(requests, 'status_class')).sort()).toEqual(
      expect.arrayContaining(['2xx', '3xx', '4xx', '5xx']),
    );
    expect(selected.length).toBeGreaterThan(1);
    expect(selected.length).toBeLessThan(requests.length);
    expect(count(events, (e) => e.log_format === 'raw')).toBeGreaterThan(0);
  });
});

describe('every dashboard panel on DataFusion', () => {
  it.each(panels.map((panel) => [panel.title, panel] as const))(
    '%s runs with "All" and with one value, its axes naming result columns',
    (title, panel) => {
      for (const which of ['all', 'one'] as const) {
        const answer = answers.get(title)?.[which] as Answer;
        expect(answer.error).toBeUndefined();
        const fields = panel.queries[0]?.fields;
        const axes = [...(fields?.x ?? []), ...(fields?.y ?? []), ...(fields?.breakdown ?? [])];
        for (const item of axes) expect(answer.columns).toContain(item.alias);
      }
    },
  );
});

describe('API health panels', () => {
  it('count all requests, and only the selected ones', () => {
    expect(rowsOf('Requests')).toEqual([{ requests: requests.length }]);
    expect(rowsOf('Requests', 'one')).toEqual([{ requests: selected.length }]);
  });

  it('count 4xx and 5xx responses', () => {
    expect(rowsOf('4xx responses')).toEqual([
      { responses_4xx: count(requests, (e) => e.status_class === '4xx') },
    ]);
    expect(rowsOf('5xx responses', 'one')).toEqual([
      { responses_5xx: count(selected, (e) => e.status_class === '5xx') },
    ]);
  });

  it('give the exact 5xx rate of the data', () => {
    const rate = (list: readonly Event[]) =>
      (100 * count(list, (e) => e.status_class === '5xx')) / list.length;
    expect(rowsOf('5xx rate (%)')[0]?.rate_5xx_pct).toBeCloseTo(rate(requests), 10);
    expect(rowsOf('5xx rate (%)', 'one')[0]?.rate_5xx_pct).toBeCloseTo(rate(selected), 10);
    expect(rate(selected)).toBeGreaterThan(0);
  });

  it('stack requests per minute by status class, adding up to every request', () => {
    const rows = rowsOf('Requests per minute by status class');
    const byClass: Record<string, number> = {};
    for (const row of rows) {
      byClass[String(row.status_class)] =
        (byClass[String(row.status_class)] ?? 0) + Number(row.requests);
    }
    expect(byClass).toEqual(countBy(requests, 'status_class'));
    expect(new Set(rows.map((row) => row.minute)).size).toBeGreaterThan(1);
  });

  it('give 4xx and 5xx shares per minute', () => {
    const minuteOf = (event: Event) => Math.floor(Number(event._timestamp) / 60e6);
    const rows = rowsOf('Error rate per minute (%)');
    const last = rows.at(-1) as Row;
    const lastMinute = Math.max(...requests.map(minuteOf));
    const inLast = requests.filter((e) => minuteOf(e) === lastMinute);
    expect(last.rate_5xx_pct).toBeCloseTo(
      (100 * count(inLast, (e) => e.status_class === '5xx')) / inLast.length,
      10,
    );
    expect(last.rate_4xx_pct).toBeCloseTo(
      (100 * count(inLast, (e) => e.status_class === '4xx')) / inLast.length,
      10,
    );
  });

  it('count throttled (429) requests', () => {
    const total = rowsOf('Throttled requests (429) per minute').reduce(
      (sum, row) => sum + Number(row.throttled),
      0,
    );
    expect(total).toBe(count(requests, (e) => e.status === 429));
    expect(total).toBeGreaterThan(0);
  });

  it('give p50, p95 and p99 latency per minute between the neighbouring values', () => {
    const minuteOf = (event: Event) => Math.floor(Number(event._timestamp) / 60e6);
    for (const row of rowsOf('Latency per minute: p50, p95, p99 (ms)')) {
      const minute = Math.floor(Date.parse(`${row.minute}Z`) / 60e3);
      const latencies = requests
        .filter((e) => minuteOf(e) === minute && typeof e.response_latency === 'number')
        .map((e) => e.response_latency as number);
      expect(latencies.length).toBeGreaterThan(0);
      for (const [column, q] of [
        ['p50_ms', 0.5],
        ['p95_ms', 0.95],
        ['p99_ms', 0.99],
      ] as const) {
        const [low, high] = quantileBounds(latencies, q);
        expect(row[column]).toBeGreaterThanOrEqual(low);
        expect(row[column]).toBeLessThanOrEqual(high);
      }
    }
  });

  it('count requests per latency bucket, in bucket order', () => {
    const rows = rowsOf('Latency buckets');
    const expected = countBy(
      requests.filter((e) => e.latency_bucket !== undefined),
      'latency_bucket',
    );
    expect(Object.fromEntries(rows.map((row) => [row.latency_bucket, row.requests]))).toEqual(
      expected,
    );
    expect(rows.map((row) => row.latency_bucket)).toEqual(Object.keys(expected).sort());
  });

  it("give API Gateway's p95 overhead per minute", () => {
    const overheads = requests
      .filter((e) => typeof e.integration_overhead_ms === 'number')
      .map((e) => e.integration_overhead_ms as number);
    const rows = rowsOf("API Gateway's own share: p95 overhead per minute (ms)");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.overhead_p95_ms).toBeGreaterThanOrEqual(Math.min(...overheads));
      expect(row.overhead_p95_ms).toBeLessThanOrEqual(Math.max(...overheads));
    }
  });

  it("set the streamed responses' time to first byte beside their latency, and count requests by transfer mode", () => {
    const streamed = requests.filter((e) => e.integration_response_transfer_mode === 'STREAMED');
    expect(streamed.length).toBeGreaterThan(0);
    const rows = rowsOf(
      'Streamed responses: time to first byte against latency, p95 per minute (ms)',
    );
    expect(rows.length).toBeGreaterThan(0);
    const firstBytes = streamed.map((e) => e.integration_time_to_first_content as number);
    for (const row of rows) {
      expect(row.first_byte_p95_ms).toBeGreaterThanOrEqual(Math.min(...firstBytes));
      expect(row.first_byte_p95_ms).toBeLessThanOrEqual(Math.max(...firstBytes));
      expect(row.latency_p95_ms).toBeGreaterThan(row.first_byte_p95_ms as number);
    }
    const modes: Record<string, number> = {};
    for (const row of rowsOf('Requests per minute by transfer mode')) {
      const mode = row.integration_response_transfer_mode as string;
      modes[mode] = (modes[mode] ?? 0) + Number(row.requests);
    }
    expect(modes).toEqual(
      countBy(
        requests.filter((e) => e.integration_response_transfer_mode !== undefined),
        'integration_response_transfer_mode',
      ),
    );
  });

  it("split errors into API Gateway's own and the integration's, every error counted once", () => {
    const failed = requests.filter((e) => Number(e.status) >= 400);
    // A gateway response other than a failed call of the integration; without the error type and
    // the integration's status (a format that has neither), API Gateway's too.
    const gateway = (e: Event) =>
      e.error_response_type === undefined
        ? e.integration_status === undefined
        : !['INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT'].includes(String(e.error_response_type));
    const rows = rowsOf("API Gateway's own errors against the integration's, per minute");
    const sum = (column: string) => rows.reduce((total, row) => total + Number(row[column]), 0);
    expect(sum('gateway_errors')).toBe(count(failed, gateway));
    expect(sum('integration_errors')).toBe(count(failed, (e) => !gateway(e)));
    // The data holds each kind the split must tell: a gateway response, a backend's own 4xx, a
    // Lambda proxy's error status (the integration's status Lambda's 200), a failed call.
    expect(count(failed, (e) => e.error_response_type === 'THROTTLED')).toBeGreaterThan(0);
    const backend4xx = (e: Event) =>
      Number(e.status) < 500 && Number(e.integration_status) >= 400 && !e.error_response_type;
    expect(count(failed, backend4xx)).toBeGreaterThan(0);
    expect(
      count(failed, (e) => e.integration_status === 200 && !e.error_response_type),
    ).toBeGreaterThan(0);
    expect(count(failed, (e) => e.error_response_type === 'INTEGRATION_TIMEOUT')).toBeGreaterThan(
      0,
    );
  });

  it('rank resources by requests, p95 latency and 5xx', () => {
    const withPath = requests.filter((e) => e.resource_path !== undefined);
    const byResource = countBy(
      withPath.map((e) => ({ key: `${e.http_method ?? ''} ${e.resource_path}` })),
      'key',
    );
    const top = rowsOf('Top resources by requests');
    expect(top[0]?.requests).toBe(Math.max(...Object.values(byResource)));
    expect(byResource[String(top[0]?.resource)]).toBe(top[0]?.requests);

    const slowest = requests.reduce((a, b) =>
      Number(b.response_latency ?? -1) > Number(a.response_latency ?? -1) && b.resource_path
        ? b
        : a,
    );
    expect(rowsOf('Top resources by p95 latency (ms)')[0]?.resource).toBe(
      `${slowest.http_method} ${slowest.resource_path}`,
    );
    const errors = countBy(
      withPath
        .filter((e) => e.status_class === '5xx')
        .map((e) => ({ key: `${e.http_method} ${e.resource_path}` })),
      'key',
    );
    expect(
      Object.fromEntries(
        rowsOf('Top resources by 5xx').map((row) => [row.resource, row.responses_5xx]),
      ),
    ).toEqual(errors);
  });

  it('list the slowest requests first, and the latest failed requests newest first', () => {
    const slowest = rowsOf('Slowest requests');
    const latencies = slowest.map((row) => Number(row.response_latency));
    expect(latencies).toEqual([...latencies].sort((a, b) => b - a));
    expect(latencies[0]).toBe(Math.max(...requests.map((e) => Number(e.response_latency ?? 0))));

    const failed = rowsOf('Latest failed requests', 'one');
    expect(failed.length).toBe(count(selected, (e) => Number(e.status) >= 400));
    expect(failed.every((row) => Number(row.status) >= 400 && row.request_id)).toBe(true);
    const times = failed.map((row) => Number(row._timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('count error messages, user agents and source addresses', () => {
    const table = (title: string, column: string) =>
      Object.fromEntries(rowsOf(title).map((row) => [row[column], row.requests]));
    const present = (field: string) =>
      countBy(
        requests.filter((e) => e[field] !== undefined),
        field,
      );
    expect(table('Top error messages', 'error_message')).toEqual(present('error_message'));
    // The ten busiest addresses, with their counts; addresses tied at the cut in any order.
    const top = table('Top source addresses', 'source_ip');
    const counts = Object.values(present('source_ip')).sort((a, b) => b - a);
    expect((Object.values(top) as number[]).sort((a, b) => b - a)).toEqual(counts.slice(0, 10));
    for (const [ip, requests] of Object.entries(top)) {
      expect(requests).toBe(present('source_ip')[ip]);
    }
    expect(rowsOf('Top user agents')[0]?.requests).toBe(
      Math.max(...Object.values(present('user_agent'))),
    );
  });
});

describe('with SAMPLE, the panels count the requests the events stand for', () => {
  const sampled = processorEvents({ SAMPLE: 'status_class=2xx:0.5' });
  const sampledRequests = sampled.filter((event) => event.status !== undefined);
  const weight = (event: Event) => Number(event.sample_rate ?? 1);
  const sum = (list: readonly Event[]) => list.reduce((total, event) => total + weight(event), 0);
  const panel = (title: string) =>
    panels.find((candidate) => candidate.title === title)?.queries[0]?.query ?? '';

  it('drops some 2xx events and marks the kept ones', () => {
    expect(sampledRequests.length).toBeLessThan(requests.length);
    expect(
      sampledRequests.filter((e) => e.status_class === '2xx').every((e) => e.sample_rate === 2),
    ).toBe(true);
    expect(
      sampledRequests.filter((e) => e.status_class === '5xx').every((e) => e.sample_rate === 1),
    ).toBe(true);
  });

  it('weighs counts and rates by sample_rate', () => {
    const [total, rate] = runSql(DEFAULT_STREAM, sampled, [
      asServerRuns(panel('Requests'), ALL_VALUES),
      asServerRuns(panel('5xx rate (%)'), ALL_VALUES),
    ]);
    expect(total?.rows).toEqual([{ requests: sum(sampledRequests) }]);
    expect(rate?.rows?.[0]?.rate_5xx_pct).toBeCloseTo(
      (100 * sum(sampledRequests.filter((e) => e.status_class === '5xx'))) / sum(sampledRequests),
      10,
    );
  });
});

describe('a new stream that setup created', () => {
  /** One event with every field setup declares, typed as declared: the schema of the new stream. */
  const declared: Event = {
    _timestamp: 0,
    ...Object.fromEntries(STREAM_FIELDS.map(({ name, type }) => [name, type === 'Int64' ? 0 : ''])),
  };

  it('declares each field with the type the processor writes', () => {
    for (const event of events) {
      for (const [name, value] of Object.entries(event)) {
        const field = STREAM_FIELDS.find((candidate) => candidate.name === name);
        if (field) {
          expect({ name, type: field.type }).toEqual({
            name,
            type: typeof value === 'number' ? 'Int64' : 'Utf8',
          });
        }
      }
    }
  });

  it('answers every panel and alert before the first event arrives', () => {
    const queries = [
      ...panels.map((panel) => asServerRuns(panel.queries[0]?.query ?? '', ALL_VALUES)),
      ...alertSpecs(DEFAULT_STREAM, DEFAULT_THRESHOLDS).map((spec) => spec.sql),
    ];
    const answers = runSql(DEFAULT_STREAM, [], queries, [declared]);
    answers.forEach((answer, index) => {
      expect({ query: queries[index], error: answer.error }).toEqual({
        query: queries[index],
        error: undefined,
      });
    });
  });
});

describe('pipeline panels', () => {
  it('count every event by log format, whatever the variables say', () => {
    const expected = countBy(events, 'log_format');
    expect(
      Object.fromEntries(
        rowsOf('Events by log format', 'one').map((r) => [r.log_format, r.events]),
      ),
    ).toEqual(expected);
    const perMinute: Record<string, number> = {};
    for (const row of rowsOf('Events per minute by log format')) {
      perMinute[String(row.log_format)] =
        (perMinute[String(row.log_format)] ?? 0) + Number(row.events);
    }
    expect(perMinute).toEqual(expected);
  });

  it('show unparsed lines by reason, and the latest of them', () => {
    const raw = events.filter((e) => e.log_format === 'raw');
    expect(
      Object.fromEntries(rowsOf('Unparsed lines by reason').map((r) => [r.parse_error, r.events])),
    ).toEqual(countBy(raw, 'parse_error'));
    expect(
      rowsOf('Latest unparsed lines')
        .map((r) => r.message)
        .sort(),
    ).toEqual(raw.map((e) => e.message).sort());
  });
});

describe('the alert pack on DataFusion', () => {
  /** The rows an alert's SQL returns, and whether OpenObserve would fire on that row count. */
  function evaluate(thresholds: Thresholds, over: readonly Event[] = events) {
    const specs = alertSpecs(DEFAULT_STREAM, thresholds);
    const results = runSql(
      DEFAULT_STREAM,
      over,
      specs.map((spec) => spec.sql),
      events,
    );
    return Object.fromEntries(
      specs.map((spec, index) => {
        const answer = results[index] as Answer;
        if (answer.error) throw new Error(`${spec.name}: ${answer.error}`);
        const rows = answer.rows ?? [];
        // As OpenObserve judges the alert's trigger condition on the rows' count.
        const { operator, threshold } = buildAlert(spec, DEFAULT_STREAM, []).trigger_condition;
        expect(operator).toBe('>=');
        const fires = rows.length >= threshold;
        return [spec.name, { rows, fires }];
      }),
    );
  }
  const prod = requests.filter((e) => e.api_id === 'a1b2c3d4e5' && e.stage === 'prod');
  const prod5xxRate = count(prod, (e) => e.status_class === '5xx') / prod.length;
  const prodLatencies = prod
    .filter((e) => e.response_latency !== undefined)
    .map((e) => Number(e.response_latency));
  const prod429 = count(prod, (e) => e.status === 429);

  it('fire per API and stage when the data crosses the thresholds', () => {
    expect(prod429).toBeGreaterThan(0);
    const result = evaluate({
      rate5xx: prod5xxRate - 0.01,
      p95Ms: Math.min(...prodLatencies),
      throttled: prod429 - 1,
      minRequests: prod.length,
    });
    expect(result.api_gateway_5xx_rate?.fires).toBe(true);
    expect(result.api_gateway_5xx_rate?.rows).toEqual([
      expect.objectContaining({ api_id: 'a1b2c3d4e5', stage: 'prod', requests: prod.length }),
    ]);
    expect(result.api_gateway_5xx_rate?.rows[0]?.rate_5xx).toBeCloseTo(prod5xxRate, 10);
    expect(result.api_gateway_p95_latency?.rows).toEqual([
      expect.objectContaining({ api_id: 'a1b2c3d4e5', stage: 'prod' }),
    ]);
    expect(result.api_gateway_throttled?.rows).toContainEqual(
      expect.objectContaining({ api_id: 'a1b2c3d4e5', stage: 'prod', throttled: prod429 }),
    );
    expect(result.api_gateway_no_events?.fires).toBe(false);
  });

  it('fire on p95 latency when more than 5% of requests are slower, not on an estimate of a few', () => {
    const base = prod.find((e) => e.response_latency !== undefined) as Event;
    const at = (latency: number, weight = 1) =>
      ({ ...base, response_latency: latency, sample_rate: weight }) as Event;
    const limits = { ...DEFAULT_THRESHOLDS, p95Ms: 1000, minRequests: 20 };
    const fires = (over: Event[]) => evaluate(limits, over).api_gateway_p95_latency?.fires;
    // One slow request of 21 (4.8%): the p95 is 100 ms.
    expect(fires([...Array(20).fill(at(100)), at(5000)])).toBe(false);
    // Two of 21 (9.5%): it is 5000 ms.
    expect(fires([...Array(19).fill(at(100)), at(5000), at(5000)])).toBe(true);
    // Sampled: ten events of 2xx standing for a hundred requests, one slow 504 of its own (1%).
    expect(fires([...Array(10).fill(at(100, 10)), at(29_000)])).toBe(false);
  });

  it('stay quiet under the thresholds, and with too few requests to judge', () => {
    const quiet = evaluate({
      rate5xx: 0.99,
      p95Ms: Math.max(...prodLatencies),
      throttled: prod429,
      minRequests: 1,
    });
    const few = evaluate({
      rate5xx: 0,
      p95Ms: 0,
      throttled: prod429,
      minRequests: requests.length + 1,
    });
    for (const result of [quiet, few]) {
      for (const name of [
        'api_gateway_5xx_rate',
        'api_gateway_p95_latency',
        'api_gateway_throttled',
      ]) {
        expect({ name, fires: result[name]?.fires }).toEqual({ name, fires: false });
      }
    }
  });

  it('fire "no events" on a stream that received nothing in the period', () => {
    const result = evaluate({ rate5xx: 0, p95Ms: 0, throttled: 0, minRequests: 1 }, []);
    expect(result.api_gateway_no_events?.fires).toBe(true);
    expect(result.api_gateway_5xx_rate?.fires).toBe(false);
  });
});

describe('the SQL examples of the docs', () => {
  const statements = documentedQueries();

  it('are there', () => {
    expect(statements.length).toBeGreaterThanOrEqual(5);
  });

  it("run on DataFusion over the processor's events and return rows", () => {
    const results = runSql(
      DEFAULT_STREAM,
      events,
      statements.map((sql) => asServerRuns(sql, {})),
    );
    results.forEach((answer, index) => {
      expect({ sql: statements[index], error: answer.error }).toEqual({
        sql: statements[index],
        error: undefined,
      });
      expect(answer.rows?.length).toBeGreaterThan(0);
    });
  });
});

describe('the SLOs on DataFusion', () => {
  const slos = buildSlos(
    { stream: DEFAULT_STREAM, availability: 99.9, latencyTarget: 99, latencyMs: 1000 },
    'default',
  );

  it('count good and total requests per slice, account, region, API and stage, good never above total', () => {
    for (const slo of slos) {
      const { good, total } = slo.config.source.query;
      const [goodRows, totalRows] = runSql(DEFAULT_STREAM, events, [
        asServerRuns(String(good.sql), {}),
        asServerRuns(String(total.sql), {}),
      ]);
      expect(goodRows?.error).toBeUndefined();
      expect(totalRows?.error).toBeUndefined();
      const key = (row: Row) =>
        [row.slice_start, ...SLO_GROUP_BY.map((column) => row[column])].join('|');
      const totals = new Map(
        (totalRows?.rows ?? []).map((row) => [key(row), Number(row.zo_slo_value)]),
      );
      expect(totals.size).toBeGreaterThan(0);
      for (const row of goodRows?.rows ?? []) {
        expect(Number(row.zo_slo_value)).toBeLessThanOrEqual(totals.get(key(row)) ?? -1);
      }
      // Requests only: execution-log events have no status, and the sum weighs sample_rate.
      const requests = events.filter((event) => event.status !== undefined);
      const counted = [...totals.values()].reduce((sum, value) => sum + value, 0);
      const latencyOnly = slo.name === 'api_gateway_latency';
      const expected = requests
        .filter((event) => !latencyOnly || event.response_latency !== undefined)
        .reduce((sum, event) => sum + Number(event.sample_rate ?? 1), 0);
      expect(counted).toBe(expected);
    }
  });
});
