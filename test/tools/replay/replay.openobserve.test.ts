/**
 * `replay` into a real OpenObserve (test/support/openobserve-server.ts): what it sends is
 * acknowledged and searchable, and a rerun after a stop sends nothing twice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { readConfig } from '../../../src/config';
import { createAsyncProcessor } from '../../../src/firehose';
import { DEFAULT_DELIVERY } from '../../../tools/openobserve/firehose-endpoint';
import { windowMarginMinutes } from '../../../tools/replay/events';
import { type ReplayDeps, type ReplayOptions, replay } from '../../../tools/replay/replay';
import { listSources } from '../../../tools/replay/sources';
import { describeWithOpenObserve, useOpenObserve } from '../../support/openobserve-server';
import { readCorpus } from '../../support/sample-events';

const STREAM = 'api_gateway_replayed';
const lines = readCorpus()
  .filter((entry) => entry.event === 'default-format' || entry.event === 'clf')
  .map((entry) => entry.line);
const processBatch = createAsyncProcessor(readConfig({}));
/** The sample lines are of November 2026: a window wide enough for them whenever this runs. */
const WINDOW_HOURS = Math.ceil((Date.now() - Date.UTC(2026, 10, 24)) / 3_600_000) + 24;

describeWithOpenObserve('replay into a real OpenObserve', () => {
  const server = useOpenObserve({ ingestWindowHours: WINDOW_HOURS });
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'replay-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const options = (): ReplayOptions => ({
    batchRecords: 2,
    batchBytes: 4 * 1024 * 1024,
    statePath: join(directory, 'state.json'),
    failedPath: join(directory, 'failed.ndjson'),
    delivery: {
      ...DEFAULT_DELIVERY,
      endpoint: server().firehoseUrl(STREAM),
      accessKey: server().accessKey,
    },
    ingestWindowHours: WINDOW_HOURS,
    windowMarginMinutes: windowMarginMinutes(DEFAULT_DELIVERY),
    oldEvents: 'skip',
  });
  const deps = (run = processBatch): ReplayDeps => ({
    processBatch: run,
    write: () => undefined,
    warn: () => undefined,
    progress: { update: () => undefined, note: () => undefined, done: () => undefined },
    now: () => Date.now(),
  });
  const requestIds = async () =>
    (
      await server().search(
        `SELECT request_id FROM "${STREAM}"`,
        (Date.now() - WINDOW_HOURS * 3_600_000) * 1000,
        (Date.now() + 60_000) * 1000,
      )
    )
      .map((row) => String(row.request_id))
      .sort();

  it('sends every line, acknowledged and searchable, and after a stop sends only the rest', async () => {
    const path = join(directory, 'access.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const sources = await listSources([path], () => {
      throw new Error('no S3 here');
    });
    let processed = 0;
    const stopsAtFifth = async (event: FirehoseTransformationEvent) => {
      if (++processed === 5) throw new Error('stopped');
      return processBatch(event);
    };
    await expect(replay(sources, options(), deps(stopsAtFifth))).rejects.toThrow('stopped');
    const { done } = JSON.parse(readFileSync(join(directory, 'state.json'), 'utf8')).sources[path];
    expect(done).toBeGreaterThan(0);
    const early = await requestIds();
    expect(early).toHaveLength(done);

    const rest = await replay(sources, options(), deps());
    expect(rest).toMatchObject({ skipped: done, sent: lines.length - done, failed: 0 });
    const all = await requestIds();
    expect(all).toHaveLength(lines.length);
    expect(new Set(all).size).toBe(lines.length);
    expect(all).toEqual(expect.arrayContaining(early));

    const again = await replay(sources, options(), deps());
    expect(again).toMatchObject({ sent: 0, skipped: lines.length });
    expect(await requestIds()).toHaveLength(lines.length);
  }, 60_000);
});
