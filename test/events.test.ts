import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { buildSampleEvents, readCorpus } from './support/sample-events';

/** gzip bytes differ between zlib builds; compare what they hold. */
function normalise(contents: string, name: string): unknown {
  if (!name.endsWith('.json')) return contents;
  const event = JSON.parse(contents) as FirehoseTransformationEvent;
  return event.records.map((record) => {
    const bytes = Buffer.from(record.data, 'base64');
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    let text = bytes.toString('base64');
    if (gzip) {
      try {
        text = gunzipSync(bytes).toString('utf8');
      } catch {
        text = 'truncated gzip';
      }
    }
    return { ...record, data: text };
  });
}

describe('events/', () => {
  it('holds what `npm run events` builds from the corpus', () => {
    const built = buildSampleEvents(readCorpus());
    expect(readdirSync('events').sort()).toEqual(Object.keys(built).sort());
    for (const [name, contents] of Object.entries(built)) {
      expect(normalise(readFileSync(`events/${name}`, 'utf8'), name)).toEqual(
        normalise(contents, name),
      );
    }
  });
});
