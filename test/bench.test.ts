/**
 * `npm run bench`'s command line: what `--only` takes, and a wrong one refused before anything is
 * measured.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { benchmarkBatches } from '../bench/batches';

const run = promisify(execFile);
const bench = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bench/bench.ts', ...args]).then(
    (done) => ({ code: 0, ...done }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('npm run bench, its command line', () => {
  it('names every batch --only takes, the hostile REDACT measurement too', async () => {
    const help = await bench('--help');
    expect(help.code).toBe(0);
    const names = benchmarkBatches(0).map(([name]) => name);
    expect(help.stdout).toContain(`batches: ${[...names, 'hostile'].join(', ')}`);
  }, 30_000);

  it('refuses a batch it does not have, with its usage (exit 2)', async () => {
    const wrong = await bench('--only', 'nope');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('no batch nope');
    expect(wrong.stderr).toContain('usage: npm run bench');
  }, 30_000);
});
