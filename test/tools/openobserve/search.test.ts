/**
 * The processor's events in a real OpenObserve (test/support/openobserve-server.ts): sent as Firehose
 * sends them, they come back from search as written, and every query the project ships (dashboard
 * panels, alerts, the docs' examples) answers there as DataFusion answers it over the same events.
 */

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { encodeEvent } from '../../../src/surface';
import { alertSpecs, DEFAULT_THRESHOLDS } from '../../../tools/openobserve/alerts';
import { buildDashboard, FILTER_VARIABLES } from '../../../tools/openobserve/dashboard';
import { sameAsDesired } from '../../../tools/openobserve/setup/part';
import { DEFAULT_STREAM, keptStreamName } from '../../../tools/openobserve/stream-settings';
import { eventsOf, runBatch } from '../../support/batches';
import {
  ALL,
  asServerRuns,
  documentedQueries,
  type Event,
  okData,
  processorRecords,
  type Row,
  runSql,
  substitute,
  type Variables,
} from '../../support/datafusion';
import {
  cloudWatchRecord,
  firehoseEvent,
  loneSurrogateRecords,
} from '../../support/firehose-event';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';
import { readCorpus } from '../../support/sample-events';

/** Event lines of each Ok record, without the record's final newline: one request line each. */
const recordTexts = (records: readonly string[]) =>
  records.map((data) => Buffer.from(data, 'base64').toString('utf8').slice(0, -1));

const records = processorRecords();
const events = records.flatMap(eventsOf);
const sampledRecords = processorRecords({ SAMPLE: 'status_class=2xx:0.5' });
const sampled = sampledRecords.flatMap(eventsOf);

const times = events.map((event) => Number(event._timestamp));
const START_US = Math.min(...times);
const END_US = Math.max(...times) + 1;
/** Wide enough for the sample lines' times (November 2026), whenever this runs. */
const WINDOW_HOURS = Math.ceil((Date.now() - START_US / 1000) / 3_600_000) + 24;

const SAMPLED_STREAM = 'api_gateway_sampled';
const WINDOW_STREAM = 'api_gateway_window';
const COMPRESSED_STREAM = 'api_gateway_compressed';
const LONE_STREAM = 'api_gateway_lone';

const dashboard = buildDashboard(DEFAULT_STREAM);
const panels = dashboard.tabs.flatMap((tab) => tab.panels);
const ALL_VALUES: Variables = {
  stream: DEFAULT_STREAM,
  ...Object.fromEntries(FILTER_VARIABLES.map((name) => [name, [ALL]])),
};
const ONE: Variables = {
  stream: DEFAULT_STREAM,
  aws_account_id: ['123456789012'],
  aws_region: ['us-east-1'],
  api_id: ['a1b2c3d4e5'],
  stage: ['prod'],
  resource_path: ['/orders'],
  http_method: ['POST'],
};

/** A row as both engines can be compared: no nulls (the server leaves them out), floats rounded. */
function comparable(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => [
        key,
        typeof value === 'number' && !Number.isInteger(value)
          ? Number(value.toPrecision(9))
          : value,
      ]),
  );
}
const ORDER_BY = /ORDER BY\s+(.+?)(?:\s+LIMIT\s+\d+)?\s*$/is;
const LIMIT = /\s+LIMIT\s+\d+\s*$/i;
const canonical = (row: Row) =>
  JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))));

/**
 * Milliseconds are percentiles of integer columns: OpenObserve's engine (its DataFusion 54 fork)
 * answers them as integers where stock DataFusion interpolates (p50 of 1 and 2: 1 against 1.5), so
 * they agree within 1 ms. Every other value must be the same.
 */
const MS = /_ms$/;
const withoutMs = (row: Row) =>
  canonical(Object.fromEntries(Object.entries(row).filter(([key]) => !MS.test(key))));
const sameRow = (actual: Row, expected: Row) =>
  withoutMs(actual) === withoutMs(expected) &&
  Object.keys(expected).every(
    (key) => !MS.test(key) || Math.abs(Number(actual[key]) - Number(expected[key])) < 1,
  );

describeWithOpenObserve('a real OpenObserve', () => {
  const server = useOpenObserve({ ingestWindowHours: WINDOW_HOURS });

  beforeAll(async () => {
    await server().send(DEFAULT_STREAM, recordTexts(records));
    await server().send(SAMPLED_STREAM, recordTexts(sampledRecords));
  }, 60_000);

  /** The server's rows and DataFusion's over the same events, for a query as the UI sends it. */
  async function bothEngines(sql: string, variables: Variables, over: readonly Event[] = events) {
    const stream = String(variables.stream ?? DEFAULT_STREAM);
    const local = asServerRuns(sql, variables);
    const [expected, unlimited] = runSql(stream, over, [local, local.replace(LIMIT, '')]);
    if (expected?.error) throw new Error(`DataFusion: ${expected.error}`);
    const actual = await server().search(substitute(sql, variables), START_US, END_US);
    return {
      actual: actual.map(comparable),
      expected: (expected?.rows ?? []).map(comparable),
      unlimited: (unlimited?.rows ?? []).map(comparable),
    };
  }

  /**
   * The same answer, as far as the SQL decides it: the same rows; in the order ORDER BY gives,
   * rows it ranks equal in any order; under a LIMIT, any of the rows tied at the cut.
   */
  async function expectSameAnswer(sql: string, variables: Variables, over?: readonly Event[]) {
    const { actual, expected, unlimited } = await bothEngines(sql, variables, over);
    const orderBy = ORDER_BY.exec(sql)?.[1];
    if (orderBy) {
      const columns = orderBy.split(',').map((term) => term.trim().split(/\s+/)[0] as string);
      const key = (row: Row) => columns.map((column) => row[column] ?? null);
      expect(actual.map(key)).toEqual(expected.map(key));
    }
    // A LIMIT that cuts: any of the rows tied at the cut. One above every row (the per-minute
    // panels') cuts nothing, and the rows must be the same.
    if (LIMIT.test(sql) && expected.length < unlimited.length) {
      for (const row of actual) {
        expect(unlimited.some((candidate) => sameRow(row, candidate)) ? row : unlimited).toBe(row);
      }
    } else {
      expect(actual.map(withoutMs).sort()).toEqual(expected.map(withoutMs).sort());
      for (const row of actual) {
        const partner = expected.find((candidate) => withoutMs(candidate) === withoutMs(row));
        expect(partner && sameRow(row, partner) ? row : partner).toBe(row);
      }
    }
    return actual;
  }

  describe('Firehose endpoint', () => {
    it('keeps every event of every record as the processor wrote it: types, fields and _timestamp', async () => {
      const hits = await server().search(`SELECT * FROM "${DEFAULT_STREAM}"`, START_US, END_US);
      expect(hits.map(comparable).map(canonical).sort()).toEqual(
        events.map(comparable).map(canonical).sort(),
      );
      const integers = hits.filter((hit) => typeof hit.status === 'number');
      expect(integers.length).toBeGreaterThan(0);
      expect(integers.every((hit) => Number.isInteger(hit.status))).toBe(true);
    });

    it('keeps the events sent to a stream name with capitals and dashes under the name the commands search', async () => {
      const sent = 'API-Gateway--Prod';
      const line = JSON.stringify({
        request_id: 'kept-1',
        log_format: 'default',
        _timestamp: START_US,
      });
      await server().send(sent, [line]);
      const kept = keptStreamName(sent);
      expect(kept).toBe('api_gateway_prod');
      const hits = await server().search(`SELECT request_id FROM "${kept}"`, START_US, END_US);
      expect(hits.map((hit) => hit.request_id)).toEqual(['kept-1']);
    });

    it('counts a sampled event as the requests it stands for', async () => {
      const requests = panels.find((panel) => panel.title === 'Requests')?.queries[0]?.query ?? '';
      const variables = { ...ALL_VALUES, stream: SAMPLED_STREAM };
      const { actual, expected } = await bothEngines(requests, variables, sampled);
      const weights = sampled
        .filter((event) => event.status !== undefined)
        .reduce((sum, event) => sum + Number(event.sample_rate), 0);
      expect(actual).toEqual([{ requests: weights }]);
      expect(actual).toEqual(expected);
      expect(weights).toBeGreaterThan(sampled.filter((event) => event.status !== undefined).length);
    });

    it('reads a record the processor sent gzip-compressed: every event of a large CloudWatch record', async () => {
      const line = readCorpus().find((entry) => entry.event === 'default-format')?.line ?? '';
      const now = Date.now();
      const messages = Array.from({ length: 3_000 }, (_, i) => ({
        message: line
          .replace('RequestId: ', `RequestId: big-${i}-`)
          .replace(/RequestTimeEpoch: \d+/, `RequestTimeEpoch: ${now}`),
        timestampMs: now,
      }));
      const { response, summary } = runBatch(firehoseEvent([cloudWatchRecord(messages)]));
      expect(summary.compressed).toBe(1);
      // The HTTP endpoint request as Firehose sends it: records as the function returned them.
      const requestId = 'compressed-1';
      const answer = await fetch(server().firehoseUrl(COMPRESSED_STREAM), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
          'X-Amz-Firehose-Access-Key': server().accessKey,
          'X-Amz-Firehose-Request-Id': requestId,
        },
        body: gzipSync(
          JSON.stringify({
            requestId,
            timestamp: now,
            records: response.records.map((record) => ({ data: record.data })),
          }),
        ),
      });
      expect(answer.status).toBe(200);
      const hits = await server().search(
        `SELECT COUNT(*) AS events FROM "${COMPRESSED_STREAM}" WHERE request_id LIKE 'big-%'`,
        (now - 3_600_000) * 1000,
        (now + 3_600_000) * 1000,
      );
      expect(hits).toEqual([{ events: 3_000 }]);
    });

    it('keeps every event of lines that held half of a UTF-16 pair, with a good line beside them', async () => {
      const line = readCorpus().find((entry) => entry.event === 'default-format')?.line ?? '';
      const { response } = runBatch(
        firehoseEvent([
          ...loneSurrogateRecords(line),
          { text: line.replace('RequestId: ', 'RequestId: lone-good-') },
        ]),
      );
      // One request as Firehose sends it: OpenObserve answers for all its records at once.
      const answer = await fetch(server().firehoseUrl(LONE_STREAM), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Amz-Firehose-Access-Key': server().accessKey,
          'X-Amz-Firehose-Request-Id': 'lone-1',
        },
        body: JSON.stringify({
          requestId: 'lone-1',
          timestamp: Date.now(),
          records: response.records.map((record) => ({ data: record.data })),
        }),
      });
      expect(answer.status).toBe(200);
      const hits = await server().search(
        `SELECT COUNT(*) AS events FROM "${LONE_STREAM}" WHERE request_id LIKE 'lone-%'`,
        START_US - 86_400_000_000,
        END_US + 86_400_000_000,
      );
      expect(hits).toEqual([{ events: 4 }]);
    });

    it('answers 200 for events older than its ingest window, and keeps none of them', async () => {
      const line = readCorpus().find((entry) => entry.event === 'default-format')?.line ?? '';
      // 2001: far outside any window this server was given.
      const oldLine = line.replace(/RequestTimeEpoch: \d+/, 'RequestTimeEpoch: 1000000000000');
      const sent = okData(runBatch(firehoseEvent([{ text: line }, { text: oldLine }])));
      expect(sent.flatMap(eventsOf).map((event) => event._timestamp)).toContain(
        1_000_000_000_000_000,
      );
      await server().send(WINDOW_STREAM, recordTexts(sent));
      const kept = await server().search(
        `SELECT request_id FROM "${WINDOW_STREAM}"`,
        999_999_999_000_000,
        END_US,
      );
      expect(kept.map((row) => row.request_id)).toEqual([
        eventsOf(sent[0] as string)[0]?.request_id,
      ]);
    });
  });

  describe('search', () => {
    it.each(panels.map((panel) => [panel.title, panel.queries[0]?.query ?? ''] as const))(
      'answers the panel "%s" as DataFusion does, with "All" and with one value',
      async (_title, sql) => {
        for (const variables of [ALL_VALUES, ONE]) {
          await expectSameAnswer(sql, variables);
        }
      },
    );

    it.each(
      alertSpecs(DEFAULT_STREAM, DEFAULT_THRESHOLDS).map((spec) => [spec.name, spec.sql] as const),
    )('answers the alert %s as DataFusion does', async (_name, sql) => {
      await expectSameAnswer(sql, {});
    });

    it('answers a per-minute panel with every minute of a day, the newest too', async () => {
      // OpenObserve's first 1,000 rows of a query without a LIMIT would end 500 minutes early.
      const stream = 'api_gateway_day';
      const newest = Math.floor(END_US / 60_000_000) * 60_000_000;
      const day = Array.from({ length: 1500 }, (_, i) =>
        encodeEvent({
          _timestamp: newest - i * 60_000_000,
          request_id: `minute-${i}`,
          status: 200,
          status_class: '2xx',
          log_format: 'default',
          sample_rate: 1,
        }),
      );
      await server().send(stream, day);
      const panel = panels.find((candidate) => candidate.title.startsWith('Requests per minute'));
      const sql = substitute(panel?.queries[0]?.query ?? '', { ...ALL_VALUES, stream });
      // As the dashboard asks: no size of its own.
      const answer = await server()
        .api()
        .request('POST', '/api/default/_search?type=logs', {
          query: { sql, start_time: newest - 1500 * 60_000_000, end_time: newest + 1, size: -1 },
        });
      const rows = answer.hits as Row[];
      expect(rows).toHaveLength(1500);
      expect(Date.parse(`${rows.at(-1)?.minute}Z`)).toBe(newest / 1000);
    });

    const statements = documentedQueries();
    it.each(statements)('answers the documented query %s as DataFusion does', async (sql) => {
      expect((await expectSameAnswer(sql, {})).length).toBeGreaterThan(0);
    });
  });

  describe('the dashboard imported by hand (docs/openobserve.md)', () => {
    const requestLines = recordTexts(records)
      .flatMap((text) => text.split('\n'))
      .filter((line) => !line.includes('"log_format":"raw"'));
    const dashboardFile = JSON.parse(
      readFileSync('openobserve/api-gateway.dashboard.json', 'utf8'),
    );
    const pipeline = ['Unparsed lines by reason', 'Latest unparsed lines'];

    /** An organization of its own holding only requests: a stream that never held an unparsed line. */
    async function importInto(createStreamFirst: boolean) {
      const org = await server().createOrganization('by_hand');
      const api = server().api();
      if (createStreamFirst) {
        // The curl command of docs/openobserve.md.
        const [, path] = /"https:\/\/api\.openobserve\.ai(\/api\/default\/streams\/[^"]+)"/.exec(
          readFileSync('docs/openobserve.md', 'utf8'),
        ) ?? [''];
        const body = JSON.parse(readFileSync('openobserve/stream.json', 'utf8'));
        await api.request('POST', String(path).replace('/default/', `/${org}/`), body);
      }
      await api.request('POST', `/api/${org}/dashboards?folder=default`, dashboardFile);
      await server().send(DEFAULT_STREAM, requestLines, org);
      const [listed] = (await api.request('GET', `/api/${org}/dashboards`)).dashboards as Row[];
      const imported = await api.request('GET', `/api/${org}/dashboards/${listed?.dashboard_id}`);
      const v8 = imported.v8 as typeof dashboard;
      expect(sameAsDesired(dashboardFile, v8)).toBe(true);
      return { org, panels: v8.tabs.flatMap((tab) => tab.panels) };
    }
    const runPanel = (org: string, sql: string) =>
      server().search(substitute(sql, ALL_VALUES), START_US, END_US, org);

    it('answers every panel once the stream was created from openobserve/stream.json', async () => {
      const { org, panels: imported } = await importInto(true);
      for (const panel of imported) {
        const rows = await runPanel(org, panel.queries[0]?.query ?? '');
        expect({ panel: panel.title, rows: pipeline.includes(panel.title) ? rows : [] }).toEqual({
          panel: panel.title,
          rows: [],
        });
      }
    });

    it('answers the Pipeline panels with 400 without that step', async () => {
      const { org, panels: imported } = await importInto(false);
      for (const panel of imported.filter((candidate) => pipeline.includes(candidate.title))) {
        await expect(runPanel(org, panel.queries[0]?.query ?? '')).rejects.toThrow(/HTTP 400/);
      }
    });
  });
});
