/**
 * Jest's global setup and teardown: the suite must leave nothing in the temporary folder. The
 * teardown fails the run when an entry appeared there that was not there before (jest's own
 * cache aside).
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

const KEY = '__temporaryEntriesBeforeTests';
const entries = () => new Set(readdirSync(tmpdir()).filter((name) => !name.startsWith('jest_')));

export function recordTemporaryEntries(): void {
  (globalThis as Record<string, unknown>)[KEY] = entries();
}

export function checkTemporaryEntries(): void {
  const before = (globalThis as Record<string, unknown>)[KEY] as Set<string>;
  const left = [...entries()].filter((name) => !before.has(name));
  if (left.length > 0) {
    throw new Error(`the tests left these in ${tmpdir()}: ${left.join(', ')}`);
  }
}
