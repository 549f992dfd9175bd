/**
 * `npm run request` against a real OpenObserve (test/support/openobserve-server.ts): the sample
 * events of both paths as the processor writes them, then one request's story read back.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { type OpenObserveApi, openObserveApi } from '../../../tools/openobserve/api';
import {
  formatRequestStory,
  readRequestStory,
  type StoryOptions,
} from '../../../tools/openobserve/request-story';
import { NEW_STREAM } from '../../../tools/openobserve/stream-settings';
import { eventsOf, runBatch } from '../../support/batches';
import { okData } from '../../support/datafusion';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';

const run = promisify(execFile);
const STREAM = 'api_gateway_requests';
/** The 502 of the sample lines: its access line, and execution lines from its stage's log group. */
const FAILED = '4e5f6071-8b9c-4dae-9f10-2b3c4d5e6f06';
/** A 200 with a trace and no execution lines. */
const SERVED = '7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01';

const records = ['default-format', 'execution-cloudwatch'].flatMap((name) =>
  okData(
    runBatch(
      JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as FirehoseTransformationEvent,
    ),
  ),
);
const times = records.flatMap(eventsOf).map((event) => Number(event._timestamp) / 1000);
const START = Math.min(...times);
/** Wide enough for the sample lines' times (November 2026), whenever this runs. */
const WINDOW_HOURS = Math.ceil((Date.now() - START) / 3_600_000) + 24;
const SINCE_DAYS = Math.ceil((Date.now() - START) / 86_400_000) + 1;

describeWithOpenObserve('npm run request, on a real OpenObserve', () => {
  const server = useOpenObserve({ ingestWindowHours: WINDOW_HOURS });
  beforeAll(async () => {
    const lines = records.map((data) => Buffer.from(data, 'base64').toString('utf8').slice(0, -1));
    await server().send(STREAM, lines);
  }, 60_000);

  const options = (): StoryOptions => ({
    org: 'default',
    stream: STREAM,
    tracesStream: 'default',
    startUs: (START - 60_000) * 1000,
    endUs: (Date.now() + 60_000) * 1000,
  });
  const api = () =>
    openObserveApi(new URL(server().url), { user: server().user, password: server().password });

  it('tells a failed request whole: its access event, its execution lines in order, its trace', async () => {
    const story = await readRequestStory(api(), FAILED, options());
    expect(story.access).toMatchObject({
      request_id: FAILED,
      status: 502,
      integration_status: 200,
      integration_error: 'Lambda Customer Function Error: ValueError: order 17, line 3: no price',
      log_format: 'default',
    });
    expect(story.execution.map((event) => event.message)).toEqual([
      'Extended Request Id: Vts2FFmArPEFh8g=',
      "API Key  authorized because method 'POST /orders' does not require API Key. Request will not contribute to throttle or quota limits",
      'Usage Plan check succeeded for API Key  and API Stage a1b2c3d4e5/prod',
      'HTTP Method: POST, Resource Path: /orders',
      'X-ray Tracing ID : 1-6745c2a2-aa1b2c3d4e5f6a7b8c9d0e1f',
      'Method request body before transformations: {"order": 17, "lines": [1, 2, 3]}',
      'Received response. Status: 200, Integration latency: 1398 ms',
      'Lambda execution failed with status 200 due to customer function error: ValueError: order 17, line 3: no price. Lambda request id: 71952965-7b9c-4d1e-9c5f-3a2b1c0d9e8f',
      'Method completed with status: 502',
    ]);
    expect(story.execution.at(-1)).toMatchObject({
      api_id: 'a1b2c3d4e5',
      stage: 'prod',
      method_status: 502,
    });
    expect(story.trace?.id).toBe('6745c2a2aa1b2c3d4e5f6a7b8c9d0e1f');
    expect(story.trace?.url).toMatch(
      /\/web\/traces\/trace-details\?stream=default&trace_id=6745c2a2aa1b2c3d4e5f6a7b8c9d0e1f&from=\d+&to=\d+&org_identifier=default$/,
    );
  });

  it('tells a request replayed late by its own time, and looks for its trace then', async () => {
    // As `replay --old-events restamp` sends an event: the time of sending, the original kept.
    const original = (START - 3 * 86_400_000) * 1000;
    const sentUs = Date.now() * 1000;
    await server().send(STREAM, [
      `{\t"request_id":"replayed-late","status":502,"log_format":"default","trace_id":"6745c2a2aa1b2c3d4e5f6a7b8c9d0e1f","original_timestamp":${original},"_timestamp":${sentUs}}`,
    ]);
    let story = await readRequestStory(api(), 'replayed-late', options());
    for (let tries = 0; !story.access && tries < 50; tries++) {
      await new Promise((wait) => setTimeout(wait, 200));
      story = await readRequestStory(api(), 'replayed-late', options());
    }
    const text = formatRequestStory(story).join('\n');
    expect(text).toContain(
      `access log, ${new Date(original / 1000).toISOString()} (replayed late: stored at its time of sending)`,
    );
    const from = Number(new URL(story.trace?.url ?? '', 'http://x').searchParams.get('from'));
    expect(Math.abs(from - original)).toBeLessThan(3_600_000_000);
  });

  it('tells a request without execution lines, and exits 1 for one OpenObserve does not have', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      OPENOBSERVE_USER: server().user,
      OPENOBSERVE_PASSWORD: server().password,
    };
    const cliOn = (stream: string, ...args: string[]) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          'tools/run.ts',
          'request',
          ...args,
          '--url',
          server().url,
          '--stream',
          stream,
          '--since',
          `${SINCE_DAYS}d`,
        ],
        { env },
      ).then(
        (done) => ({ code: 0, ...done }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const cli = (...args: string[]) => cliOn(STREAM, ...args);
    const served = await cli(SERVED, '--json');
    expect(served.code).toBe(0);
    const story = JSON.parse(served.stdout);
    expect(story).toMatchObject({ requestId: SERVED, execution: [], access: { status: 200 } });
    expect(story.trace.id).toBe('5759e988bd862e3fe1be46a994272793');
    const text = await cli(SERVED);
    expect(text.stdout).toContain('  no execution-log lines');
    expect(text.stdout).toContain('    status: 200');
    const unknown = await cli('00000000-0000-0000-0000-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain(
      'no event of this request in the range: check the id, or look further back (--since 7d)',
    );
    expect(unknown.stdout).not.toContain('X-Ray tracing off');
    // The stream's name as Firehose was told it: OpenObserve keeps it lower case, `-` as `_`.
    const spelt = await cliOn('API-Gateway-Requests', SERVED, '--json');
    expect(JSON.parse(spelt.stdout)).toMatchObject({ requestId: SERVED, access: { status: 200 } });
    expect(spelt.stderr).toContain(
      `--stream API-Gateway-Requests: OpenObserve keeps its events in "${STREAM}"`,
    );
    const bad = await cli("x' OR '1'='1");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a request id');

    // A stream whose settings cut a search to its last hour: OpenObserve answers for that hour
    // only, and "no event" would not be true of the rest.
    await server().send('limited', [
      `{\t"request_id":"limited-1","status":200,"_timestamp":${Date.now() * 1000}}`,
    ]);
    for (let tries = 0; tries < 50; tries++) {
      try {
        await api().request('PUT', '/api/default/streams/limited/settings?type=logs', {
          max_query_range: 1,
        });
        break;
      } catch {
        await new Promise((wait) => setTimeout(wait, 200));
      }
    }
    const cut = await cliOn('limited', '00000000-0000-0000-0000-000000000000');
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('OpenObserve searched only part of the range (');
    expect(cut.stdout).not.toContain('no event of this request');
  }, 60_000);
});

describe('npm run request, on answers and text it cannot trust', () => {
  const options: StoryOptions = {
    org: 'default',
    stream: STREAM,
    tracesStream: 'default',
    startUs: 0,
    endUs: 1,
  };
  /** A server that answers every search with `answer`: what no real OpenObserve sends. */
  const answering = (answer: unknown): OpenObserveApi => ({
    base: 'http://127.0.0.1:9',
    request: async () => answer as Record<string, unknown>,
  });

  it('names an answer that is not a search result, instead of a JavaScript error', async () => {
    for (const [answer, message] of [
      [{ hits: [null] }, /search answer has no list of rows in hits \(got \[null\]\)/],
      [{ hits: 'none' }, /search answer has no list of rows in hits/],
      [
        { hits: [{ log_format: 'execution', message: 'x' }] },
        /an event without a numeric _timestamp: \{"log_format":"execution"/,
      ],
    ] as const) {
      await expect(readRequestStory(answering(answer), FAILED, options)).rejects.toThrow(message);
    }
  });

  it('prints what a client or a function wrote without letting it drive the terminal', async () => {
    const story = await readRequestStory(
      answering({
        hits: [
          {
            _timestamp: 1795546045000000,
            log_format: 'default',
            status: 502,
            integration_error: 'bad \u001b[2J\u001b[1;1Hall good',
          },
          {
            _timestamp: 1795546045000001,
            log_format: 'execution',
            message: 'error: bad \u001b[31mFAKE\r\u009b\n    at handler (index.js:3:9)',
          },
        ],
      }),
      FAILED,
      options,
    );
    const text = formatRequestStory(story);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for.
    expect(text.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('    integration_error: bad \\x1b[2J\\x1b[1;1Hall good');
    expect(text).toContain(
      `    2026-11-24T18:47:25.000Z  error: bad \\x1b[31mFAKE\\x0d\\x9b\n${' '.repeat(30)}    at handler (index.js:3:9)`,
    );
  });
});

describeWithOpenObserve(
  'npm run request, on an OpenObserve that keeps capitals in stream names',
  () => {
    const server = useOpenObserve({ ingestWindowHours: WINDOW_HOURS, keepsStreamCapitals: true });

    it('reads the stream under the name this server keeps, also beside a lower-case one', async () => {
      // What a setup run before the first event made: the lower-case stream, empty.
      await server()
        .api()
        .request('POST', '/api/default/streams/api_gateway_requests?type=logs', NEW_STREAM);
      const lines = records.map((data) =>
        Buffer.from(data, 'base64').toString('utf8').slice(0, -1),
      );
      await server().send('API-Gateway-Requests', lines);
      const env = {
        PATH: process.env.PATH ?? '',
        OPENOBSERVE_USER: server().user,
        OPENOBSERVE_PASSWORD: server().password,
      };
      const found = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'tools/run.ts',
          'request',
          SERVED,
          '--json',
          '--url',
          server().url,
          '--stream',
          'API-Gateway-Requests',
          '--since',
          `${SINCE_DAYS}d`,
        ],
        { env },
      );
      expect(JSON.parse(found.stdout)).toMatchObject({
        requestId: SERVED,
        access: { status: 200 },
      });
      expect(found.stderr).toContain(
        '--stream API-Gateway-Requests: OpenObserve keeps its events in "API_Gateway_Requests"',
      );
      expect(found.stderr).toContain(
        'warning: stream "api_gateway_requests" is there too: on this server, which keeps capitals, a setup run before the first event made it.',
      );
    }, 60_000);
  },
);
