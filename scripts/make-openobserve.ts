/**
 * `npm run openobserve:files`: writes the dashboard and the alert pack that
 * `npm run openobserve -- setup` installs into openobserve/, for importing by hand, formatted by
 * the repository's formatter (Biome puts a short array of plain values on one line).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openObserveFiles } from '../tools/openobserve/files';

const paths = Object.entries(openObserveFiles()).map(([path, contents]) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  console.log(`wrote ${path}`);
  return path;
});
execFileSync('npx', ['biome', 'format', '--write', ...paths], { stdio: 'inherit' });
