import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** `npm run invoke` as a user runs it: the built bundle, loaded the way Lambda loads it. */
const tsx = 'node_modules/.bin/tsx';
const invoke = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(tsx, ['scripts/invoke.ts', ...args, '--json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });

interface Decoded {
  records: { recordId: string; result: string; events?: Record<string, unknown>[] }[];
}
const lastLine = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').pop() as string) as Decoded;

beforeAll(() => {
  execFileSync(tsx, ['scripts/build.ts']);
}, 60_000);

describe('npm run invoke', () => {
  const events = readdirSync('events').filter((name) => name.endsWith('.json'));

  it.each(events)('answers events/%s within the Firehose contract', (name) => {
    const run = invoke([`events/${name}`]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const decoded = lastLine(run.stdout);
    expect(decoded.records.length).toBeGreaterThan(0);
    for (const record of decoded.records) {
      if (record.result === 'Ok') expect(record.events?.length).toBeGreaterThan(0);
    }
  });

  it('wraps a plain file of log lines into an event, one record per line', () => {
    const run = invoke(['events/sample-access.log']);
    expect(run.status).toBe(0);
    const decoded = lastLine(run.stdout);
    expect(decoded.records.map((record) => record.events?.[0]?.log_format)).toEqual([
      ...Array(9).fill('default'),
      'clf',
      'clf',
    ]);
  });

  it('stops with the setting named when the function cannot start', () => {
    const run = invoke(['events/clf.json'], { LOG_FORMAT: '$context.status' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('init failed: LOG_FORMAT must contain $context.requestId');
  });
});
