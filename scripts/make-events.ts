/** `npm run events`: writes events/*.json and events/sample-access.log from the corpus. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildSampleEvents, readCorpus } from '../test/support/sample-events';

const directory = new URL('../events/', import.meta.url);
mkdirSync(directory, { recursive: true });
for (const [name, contents] of Object.entries(buildSampleEvents(readCorpus()))) {
  writeFileSync(new URL(name, directory), contents);
  console.log(`events/${name}  ${Buffer.byteLength(contents)} bytes`);
}
