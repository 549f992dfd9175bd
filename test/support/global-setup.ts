import { execFileSync } from 'node:child_process';
import { recordTemporaryEntries } from './temp-folders';

/**
 * Before any test file: what the temporary folder holds (the suite leaves nothing there), and
 * dist/ built once, for the files that run the bundle (invoke, the runtime interface, secrets). A
 * build per file would delete dist/ under another file's run when jest runs files side by side.
 */
export default function globalSetup(): void {
  recordTemporaryEntries();
  execFileSync('node_modules/.bin/tsx', ['scripts/build.ts']);
}
