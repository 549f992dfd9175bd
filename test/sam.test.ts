import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { eventsOf, runBatch } from './support/batches';

/** SAM's own checks, with the pinned tools scripts/python-tools.sh installs; no credentials, no Docker. */
const bin = resolve('node_modules/.venv/bin');
const env = {
  ...process.env,
  PATH: `${resolve('node_modules/.bin')}:${bin}:${process.env.PATH}`,
  SAM_CLI_TELEMETRY: '0',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};
const run = (command: string, args: string[]) =>
  spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });

describe('SAM checks', () => {
  it('cfn-lint finds no error and no warning', () => {
    const lint = run(`${bin}/cfn-lint`, ['template.yaml']);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('deploys the newest Node.js runtime Lambda offers, as cfn-lint knows them', () => {
    // cfn-lint's table of Lambda runtimes names each one's successor; the newest has none.
    const newest = run(`${bin}/python`, [
      '-c',
      "import json, cfnlint, pathlib; d = json.loads((pathlib.Path(cfnlint.__file__).parent / 'data/AdditionalSpecs/LmbdRuntimeLifecycle.json').read_text()); print(*[k for k, v in d.items() if k.startswith('nodejs') and not v['successor']])",
    ]);
    expect(newest.stderr).toBe('');
    const runtime = /^ {4}Runtime: (\S+)$/m.exec(readFileSync('template.yaml', 'utf8'))?.[1];
    expect(newest.stdout.trim()).toBe(runtime);
  });

  it('sam validate --lint accepts the template', () => {
    const validate = run(`${bin}/sam`, ['validate', '--lint']);
    expect(validate.stdout).toContain('is a valid SAM Template');
    expect(validate.status).toBe(0);
  }, 60_000);

  describe('the function sam build produced', () => {
    const buildRoot = mkdtempSync(join(tmpdir(), 'sam-build-'));
    const buildDir = join(buildRoot, 'build');
    const bundle = join(buildDir, 'ProcessorFunction', 'handler.mjs');

    beforeAll(() => {
      execFileSync(
        `${bin}/sam`,
        ['build', '--build-dir', buildDir, '--cached', '--cache-dir', `${buildDir}-cache`],
        {
          env,
          stdio: 'pipe',
        },
      );
    }, 300_000);
    afterAll(() => rmSync(buildRoot, { recursive: true, force: true }));

    it.each(readdirSync('events').filter((name) => name.endsWith('.json')))(
      'answers events/%s as the processor does, loaded without Docker',
      (name) => {
        const invoke = run(resolve('node_modules/.bin/tsx'), [
          'scripts/invoke.ts',
          `events/${name}`,
          '--handler',
          bundle,
          '--json',
        ]);
        expect(invoke.stderr).toBe('');
        expect(invoke.status).toBe(0);
        const built = JSON.parse(invoke.stdout.trim().split('\n').pop() as string);
        const event = JSON.parse(
          readFileSync(`events/${name}`, 'utf8'),
        ) as FirehoseTransformationEvent;
        const expected = runBatch(event).response.records.map((record) =>
          record.result === 'Ok'
            ? {
                recordId: record.recordId,
                result: 'Ok',
                // As invoke prints a record whose events came back gzip-compressed.
                ...(Buffer.from(record.data ?? '', 'base64')[0] === 0x1f
                  ? { compressed: true }
                  : {}),
                events: eventsOf(record.data ?? ''),
              }
            : {
                recordId: record.recordId,
                result: record.result,
                dataBytes: Buffer.from(record.data ?? '', 'base64').length,
              },
        );
        expect(built.records).toEqual(expected);
      },
      30_000,
    );

    it("checks the processor's settings as the function would: its bundle refuses a rate that is not 1/n", () => {
      const check = join(buildDir, 'SettingsCheckFunction', 'settings-check.mjs');
      const verdict = (environment: Record<string, string>) => {
        const event = {
          RequestType: 'Create',
          LogicalResourceId: 'SettingsCheck',
          ResourceProperties: { Environment: environment },
        };
        const child = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            'const { verdict } = await import(process.argv[1]); console.log(JSON.stringify(await verdict(JSON.parse(process.argv[2]))));',
            check,
            JSON.stringify(event),
          ],
          { encoding: 'utf8', env },
        );
        expect(child.stderr).toBe('');
        return JSON.parse(child.stdout);
      };
      expect(verdict({ SAMPLE: 'status_class=2xx:0.3' })).toEqual({
        Status: 'FAILED',
        Reason: expect.stringMatching(/^the processor would not start: SAMPLE: .*1\/n/),
      });
      expect(verdict({ SAMPLE: 'status_class=2xx:0.25' })).toEqual({ Status: 'SUCCESS' });
    });
  });
});
