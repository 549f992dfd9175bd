/**
 * Jest's global setup and teardown: the suite must leave nothing in the temporary folder. The
 * teardown fails the run when an entry appeared there that was not there before.
 *
 * Tools keep caches in the temporary folder the first time they run on a machine, and keep them on
 * purpose: those are not leaks, and a new machine (an empty TMPDIR) must not fail for them. The
 * guard knows them by name rather than running the suite in a folder of its own, because the
 * caches are made by child processes (tsx, Node.js) whose TMPDIR a test does not always set.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Caches tools leave on purpose, by name: not a test's leak. */
const TOOL_CACHES: readonly RegExp[] = [
  /^jest_/, // jest's transform cache
  /^node-compile-cache$/, // Node.js 22 and later's module compile cache (module.enableCompileCache, tsx)
  /^tsx-\d+$/, // tsx's transform cache, one per user id
];

const isToolCache = (name: string) => TOOL_CACHES.some((pattern) => pattern.test(name));

/** Entries of a folder that are not a tool's cache. */
export function temporaryEntries(folder: string): Set<string> {
  return new Set(readdirSync(folder).filter((name) => !isToolCache(name)));
}

/** What appeared in `folder` since `before`, tool caches aside. */
export function leftBehind(folder: string, before: ReadonlySet<string>): string[] {
  return [...temporaryEntries(folder)].filter((name) => !before.has(name));
}

const KEY = '__temporaryEntriesBeforeTests';

export function recordTemporaryEntries(): void {
  (globalThis as Record<string, unknown>)[KEY] = temporaryEntries(tmpdir());
}

export function checkTemporaryEntries(): void {
  const before = (globalThis as Record<string, unknown>)[KEY] as Set<string>;
  const left = leftBehind(tmpdir(), before);
  if (left.length > 0) {
    throw new Error(`the tests left these in ${tmpdir()}: ${left.join(', ')}`);
  }
}
