/**
 * The built bundle under Lambda's own runtime interface (the RIE and the Node.js RIC on Node 22,
 * what `sam local invoke` runs in its container, docs/contracts.md §7) answers exactly as the
 * in-process handler does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import {
  installRuntime,
  type LambdaRuntime,
  missingTools,
  startRuntime,
} from '../scripts/lambda-runtime';
import { runBatch } from './support/batches';

const missing = missingTools();
const suite = missing.length ? describe.skip : describe;
const tsx = 'node_modules/.bin/tsx';
const events = readdirSync('events').filter((name) => name.endsWith('.json'));
const quiet = {
  ...process.env,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

suite(`the function under Lambda's runtime interface${missing.length ? ` (skipped: ${missing.join(', ')} not on this machine)` : ''}`, () => {
  let runtime: LambdaRuntime;
  beforeAll(async () => {
    execFileSync(tsx, ['scripts/build.ts']);
    installRuntime();
    runtime = await startRuntime('dist/handler.mjs', quiet);
  }, 900_000);
  afterAll(() => runtime?.stop());

  it.each(events)('answers events/%s exactly as the in-process handler', async (name) => {
    const event = JSON.parse(readFileSync(`events/${name}`, 'utf8')) as FirehoseTransformationEvent;
    const { status, body } = await runtime.invoke(event);
    expect(status).toBe(200);
    expect(body).toEqual(runBatch(event).response);
  });

  it('reports the init duration as the RIE measured it', () => {
    expect(runtime.initDurationMs()).toBeGreaterThan(0);
  });

  it('returns a handler error the way Lambda shapes it', async () => {
    const { status, body } = await runtime.invoke({ invocationId: 'x' });
    expect(status).toBe(200);
    expect(body).toEqual(
      expect.objectContaining({
        errorType: 'TypeError',
        errorMessage: expect.stringContaining('"records" must be an array'),
        trace: expect.any(Array),
      }),
    );
  });

  it('runs from npm run invoke -- --runtime lambda, printing the same view as the default invoke', () => {
    const args = (runtime: string) =>
      spawnSync(
        tsx,
        ['scripts/invoke.ts', 'events/default-format.json', '--runtime', runtime, '--json'],
        {
          encoding: 'utf8',
          env: quiet,
        },
      );
    const lambda = args('lambda');
    expect(lambda.status).toBe(0);
    expect(lambda.stderr).toMatch(/init [\d.]+ ms \(the RIE's INIT REPORT\)/);
    expect(lambda.stdout).toBe(args('node').stdout);
  }, 60_000);
});
