/**
 * `npm run openobserve:files`: writes the dashboard and the alert pack that
 * `npm run openobserve -- setup` installs into openobserve/, for importing by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openObserveFiles } from '../tools/openobserve/files';

for (const [path, contents] of Object.entries(openObserveFiles())) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  console.log(`wrote ${path}`);
}
