import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudWatchRecord, firehoseEvent } from './support/firehose-event';

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

// dist/ is built once for the suite (test/support/global-setup.ts).

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
      ...Array(10).fill('default'),
      'clf',
      'clf',
    ]);
  });

  it('shows the events of a record it had to send gzip-compressed', () => {
    // 2,000 log events of a CloudWatch Logs record: events over the HTTP endpoint's 1,024,000 bytes.
    const line = (i: number) =>
      `RequestId: r-${i}, SourceIP: 192.0.2.1, Method: GET, ResourcePath: /pets, StatusCode: 200, UserAgent: ${'a'.repeat(600)}`;
    const record = cloudWatchRecord(
      Array.from({ length: 2_000 }, (_, i) => ({ message: line(i), timestampMs: 1795546045000 })),
    );
    const folder = mkdtempSync(join(tmpdir(), 'invoke-'));
    try {
      const file = join(folder, 'big.json');
      writeFileSync(file, JSON.stringify(firehoseEvent([record])));
      const run = invoke([file]);
      expect(run.status).toBe(0);
      const [decoded] = lastLine(run.stdout).records as (Decoded['records'][number] & {
        compressed?: boolean;
      })[];
      expect(decoded).toMatchObject({ result: 'Ok', compressed: true });
      expect(decoded?.events).toHaveLength(2_000);
      expect(decoded?.events?.[1999]).toMatchObject({ request_id: 'r-1999' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('sends a log file of several MB in batches of 1 MB, as Firehose would, every line answered', () => {
    const folder = mkdtempSync(join(tmpdir(), 'invoke-'));
    try {
      const sample = readFileSync('events/sample-access.log', 'utf8').trim().split('\n');
      const lines = Array.from({ length: 5000 }, (_, i) => sample[i % sample.length] as string);
      const path = join(folder, 'big.log');
      writeFileSync(path, `${lines.join('\n')}\n`);
      expect(Buffer.byteLength(readFileSync(path))).toBeGreaterThan(3_000_000);
      const run = invoke([path]);
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(/5000 lines, sent in \d+ batches of up to 1 MB/);
      const results = lastLine(run.stdout).records.map((record) => record.result);
      expect(results).toHaveLength(5000);
      expect(results.filter((result) => result !== 'Ok')).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a file without a log line, and says a handler error in one line', () => {
    const folder = mkdtempSync(join(tmpdir(), 'invoke-'));
    try {
      writeFileSync(join(folder, 'empty.log'), '\n\n');
      const empty = invoke([join(folder, 'empty.log')]);
      expect(empty.status).toBe(2);
      expect(empty.stderr).toContain('holds no log line');
      writeFileSync(join(folder, 'broken.json'), '{"records":[null]}');
      const broken = invoke([join(folder, 'broken.json')]);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(/^handler error: \w+: /m);
      // Not the minified bundle's line Node.js prints for an uncaught error.
      expect(broken.stderr.length).toBeLessThan(2_000);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('stops with the setting named when the function cannot start', () => {
    const run = invoke(['events/clf.json'], { LOG_FORMAT: '$context.status' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('init failed: LOG_FORMAT must contain $context.requestId');
  });
});

describe('npm run invoke, as people get it wrong', () => {
  it('prints the response alone with --json, the function logging on standard error', () => {
    const run = spawnSync(tsx, ['scripts/invoke.ts', 'events/csv.json', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' },
    });
    expect(run.status).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout))).toEqual(['records']);
    expect(run.stderr).toContain('"message":"batch transformed"');
    // Lambda starts a function on demand: its first invocation is a cold start, as it logs it.
    expect(run.stderr).toContain('"cold_start":true');
  });

  it('takes POWERTOOLS_LOG_LEVEL in any case, as the function checks it', () => {
    const logs = (level: string) =>
      spawnSync(tsx, ['scripts/invoke.ts', 'events/csv.json', '--json'], {
        encoding: 'utf8',
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: level },
      }).stderr;
    // Above INFO, the batch's summary line is not written; `warn` is WARN, not INFO.
    expect(logs('warn')).not.toContain('"message":"batch transformed"');
    expect(logs('WARN')).not.toContain('"message":"batch transformed"');
    expect(logs('info')).toContain('"message":"batch transformed"');
  });

  it('lists its options with --help, and names a wrong option with exit 2', () => {
    const help = spawnSync(tsx, ['scripts/invoke.ts', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run invoke -- /);
    for (const option of ['--handler FILE', '--runtime NAME', '--json']) {
      expect(help.stdout).toContain(`\n  ${option}`);
    }
    expect(help.stdout).toContain('node | lambda; default node');
    for (const [args, why] of [
      [['events/csv.json', '--runtime', 'docker'], '--runtime must be one of node, lambda'],
      [[], '<event.json | lines.log[.gz]> is required'],
      [['events/csv.json', '--verbose'], "Unknown option '--verbose'"],
    ] as const) {
      const run = spawnSync(tsx, ['scripts/invoke.ts', ...args], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(why);
      expect(run.stderr).toContain('usage: npm run invoke -- ');
    }
  });

  it('names a file it cannot read, and reads a .json file of JSON lines as lines', () => {
    for (const [path, why] of [
      ['no-such-file.json', 'no such file'],
      ['events', 'a folder, not a file'],
    ] as const) {
      const run = invoke([path]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`cannot read ${path}: ${why}`);
      expect(run.stderr).not.toContain('    at ');
    }
    const folder = mkdtempSync(join(tmpdir(), 'invoke-'));
    try {
      const lines = join(folder, 'lines.json');
      writeFileSync(
        lines,
        '{"requestId":"j-1","status":"200"}\n{"requestId":"j-2","status":"404"}\n',
      );
      // An event saved with a byte-order mark is still the event.
      const marked = join(folder, 'marked.json');
      writeFileSync(marked, `\ufeff${readFileSync('events/csv.json', 'utf8')}`);
      const event = invoke([marked]);
      expect(event.stderr).toBe('');
      expect(lastLine(event.stdout).records.map((record) => record.recordId)).toEqual(
        (JSON.parse(readFileSync('events/csv.json', 'utf8')) as Decoded).records.map(
          (record) => record.recordId,
        ),
      );
      const run = invoke([lines]);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(
        'is not a Firehose event ({"records": [...]}): read as 2 log line(s)',
      );
      expect(lastLine(run.stdout).records.map((record) => record.events?.[0]?.status)).toEqual([
        200, 404,
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
