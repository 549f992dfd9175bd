/**
 * The soak run's verdict (bench/soak.ts): memory that comes back after a full collection passes,
 * memory a handler keeps fails. Small batches here; `npm run bench -- --soak` runs thousands of
 * 1 MB ones.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { soak, soakBatches } from '../bench/soak';
import { createHandler } from '../src/lambda';
import { firehoseEvent } from './support/firehose-event';

const batches = soakBatches(64 * 1024);
const quiet = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

describe('soak', () => {
  it('finds no growth in the handler over every format and hostile records', async () => {
    const handler = await createHandler(quiet);
    const report = await soak(handler, batches, 240);
    expect(report.grew).toBe(false);
    expect(report.mbPerSecond).toBeGreaterThan(0);
  }, 120_000);

  it('reports a handler that keeps what it made', async () => {
    const handler = await createHandler(quiet);
    const kept: FirehoseTransformationResult[] = [];
    const leaking = async (event: FirehoseTransformationEvent) => {
      const response = await handler(event);
      kept.push(response);
      return response;
    };
    // Twice the batches of the run above: what it keeps (about 85 MB) stays past the allowance, a
    // quarter of the heap at the start, also in a test worker whose heap starts large.
    const report = await soak(leaking, batches, 480);
    expect(report.grew).toBe(true);
    expect(report.heapMB.end - report.heapMB.start).toBeGreaterThan(16);
    kept.length = 0;
  }, 120_000);

  it('keeps no native memory for corrupt gzip records', async () => {
    // Node's synchronous gunzip keeps about 16 KB per corrupt input; 50,000 of them would be 800 MB.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const handler = await createHandler(quiet);
    const truncated = gzipSync('RequestId: 1, StatusCode: 200\n'.repeat(100)).subarray(0, 24);
    const batch = firehoseEvent(Array.from({ length: 500 }, () => ({ bytes: truncated })));
    const native = () => {
      gc();
      return process.memoryUsage().external / 1024 / 1024;
    };
    await handler(batch);
    const before = native();
    for (let i = 0; i < 100; i++) await handler(batch);
    expect(native() - before).toBeLessThan(50);
    const [record] = (await handler(batch)).records;
    expect(record?.result).toBe('Ok');
  }, 120_000);
});
