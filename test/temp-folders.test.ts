import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leftBehind, temporaryEntries } from './support/temp-folders';

describe('the temporary-folder guard', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'guard-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('catches a folder a test leaves behind', () => {
    const before = temporaryEntries(folder);
    mkdirSync(join(folder, 'replay-abc123'));
    expect(leftBehind(folder, before)).toEqual(['replay-abc123']);
  });

  it('takes the caches tsx, Node.js and jest make on a new machine for what they are', () => {
    const before = temporaryEntries(folder);
    for (const cache of ['node-compile-cache', 'tsx-0', 'tsx-1000', 'jest_rs']) {
      mkdirSync(join(folder, cache));
    }
    expect(leftBehind(folder, before)).toEqual([]);
  });

  it('does not take a look-alike of a cache for one', () => {
    const before = temporaryEntries(folder);
    mkdirSync(join(folder, 'tsx-leak'));
    mkdirSync(join(folder, 'node-compile-cache-copy'));
    expect(leftBehind(folder, before).sort()).toEqual(['node-compile-cache-copy', 'tsx-leak']);
  });
});
