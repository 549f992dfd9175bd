/**
 * The built bundle under Lambda's own runtime interface (the RIE and the Node.js RIC on the
 * runtime's Node.js, what `sam local invoke` runs in its container, docs/contracts.md §7) answers
 * exactly as the in-process handler does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import {
  childrenOf,
  installRuntime,
  type LambdaRuntime,
  lambdaNodeFlags,
  missingTools,
  startRuntime,
  templateFunction,
} from '../scripts/lambda-runtime';
import { runBatch } from './support/batches';

const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** Whether a process runs: it exists, and has not ended unreaped (a zombie). */
const runs = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

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
  // dist/ is built once for the suite (test/support/global-setup.ts).
  beforeAll(async () => {
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

  it("starts the function on the runtime's Node.js with the heap Lambda's bootstrap gives its memory", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'runtime-probe-'));
    try {
      writeFileSync(
        join(folder, 'probe.mjs'),
        'export const handler = async () => ({ version: process.version, flags: process.execArgv });',
      );
      const probe = await startRuntime(join(folder, 'probe.mjs'), quiet);
      try {
        const { body } = await probe.invoke({});
        const tested = /^version=(\d+)\./m.exec(readFileSync('scripts/lambda-node.sh', 'utf8'));
        expect(body).toEqual({
          version: expect.stringMatching(new RegExp(`^v${tested?.[1]}\\.`)),
          flags: lambdaNodeFlags(Number(templateFunction().memoryMB)),
        });
      } finally {
        await probe.stop();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('leaves no RIE running when npm run invoke -- --runtime lambda is stopped while it starts', async () => {
    const run = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/invoke.ts', 'events/default-format.json', '--runtime', 'lambda'],
      { env: quiet, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((done) => run.once('exit', (code) => done(code)));
    // Ctrl-C as soon as the RIE is there: it is still starting.
    let rie: number | undefined;
    for (let i = 0; i < 3_000 && rie === undefined && run.exitCode === null; i++) {
      rie = childrenOf(run.pid as number).find((pid) => commandOf(pid).includes('aws-lambda-rie'));
      if (rie === undefined) await new Promise((wait) => setTimeout(wait, 5));
    }
    expect(rie).toBeDefined();
    run.kill('SIGINT');
    expect(await exited).toBe(130);
    expect([rie].filter((pid) => runs(pid as number))).toEqual([]);
  }, 60_000);

  it('leaves no runtime running when the function fails under --runtime lambda', () => {
    const running = () =>
      // This checkout's runtime only: another checkout's runs may come and go meanwhile.
      spawnSync('pgrep', ['-f', `${resolve('node_modules/.lambda-runtime')}/`], {
        encoding: 'utf8',
      })
        .stdout.split('\n')
        .filter(Boolean);
    const before = running();
    const run = spawnSync(
      tsx,
      ['scripts/invoke.ts', 'events/clf.json', '--runtime', 'lambda', '--json'],
      { encoding: 'utf8', env: { ...quiet, LOG_FORMAT: '$context.status' } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('LOG_FORMAT must contain $context.requestId');
    expect(running().filter((pid) => !before.includes(pid))).toEqual([]);
  }, 60_000);

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
