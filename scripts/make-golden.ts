/**
 * `npm run golden`: writes test/golden/ anew from what the processor answers now
 * (test/support/golden.ts). Run it only when a change to the events is meant, and read the diff.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
// The tests' environment: expressions of the rules compile on first use, as in every test.
import '../test/support/setup-env';
import { answer, GOLDEN_FOLDER, type Golden, goldenCases } from '../test/support/golden';

const byFile = new Map<string, Golden[]>();
for (const golden of goldenCases()) {
  const file = golden.name.replace(/-\d+$/, '');
  const list = byFile.get(file) ?? [];
  list.push({ ...golden, records: answer(golden) });
  byFile.set(file, list);
}
rmSync(GOLDEN_FOLDER, { recursive: true, force: true });
mkdirSync(GOLDEN_FOLDER, { recursive: true });
for (const [file, goldens] of byFile) {
  const text = `${JSON.stringify(goldens, null, 1)}\n`;
  writeFileSync(`${GOLDEN_FOLDER}/${file}.json`, text);
  console.log(
    `${GOLDEN_FOLDER}/${file}.json  ${goldens.length} batches, ${Buffer.byteLength(text)} bytes`,
  );
}
// In the project's own format, so that the diff holds only what the events changed.
execFileSync('npx', ['biome', 'format', '--write', GOLDEN_FOLDER], { stdio: 'inherit' });
