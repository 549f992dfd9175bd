/**
 * Golden outputs: fixed input batches (generated once from a fixed seed, every known format and two
 * custom ones, with and without rules, under each SOURCE_IP policy, plus the sample events of
 * events/) and the response the processor gave for each, checked in under test/golden/. The
 * processor must keep answering them byte for byte; `npm run golden` writes them anew only when a
 * change to the events is meant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import fc from 'fast-check';
import { type Env, runBatch } from './batches';
import { firehoseEvent } from './firehose-event';
import { FORMATS, RULES, recordOf, settings } from './generators';

export const GOLDEN_FOLDER = 'test/golden';

export interface GoldenCase {
  readonly name: string;
  readonly env: Env;
  readonly event: FirehoseTransformationEvent;
}

/** What one record came back as: its result, and its event lines (or its data, when not Ok). */
export interface GoldenRecord {
  readonly recordId: string;
  readonly result: string;
  readonly lines?: readonly string[];
  readonly data?: string;
}

export interface Golden extends GoldenCase {
  readonly records: readonly GoldenRecord[];
}

/** Batches per format and rule set: enough to reach every kind of line, small enough to read. */
const BATCHES = 4;

/** The cases, the same on every run: generated from fixed seeds. */
export function goldenCases(): GoldenCase[] {
  const cases: GoldenCase[] = [];
  let seed = 1;
  for (const [name, format] of Object.entries(FORMATS)) {
    for (const [rules, env] of [
      ['plain', {}],
      ['rules', RULES],
    ] as const) {
      const batches = fc.sample(
        fc.tuple(fc.array(recordOf(format), { minLength: 1, maxLength: 4 }), settings),
        { numRuns: BATCHES, seed: seed++ },
      );
      batches.forEach(([records, setting], i) => {
        cases.push({
          name: `${name}-${rules}-${i}`,
          env: { ...setting, ...env, LOG_FORMAT: format },
          event: firehoseEvent(records.map(([input]) => input)),
        });
      });
    }
  }
  for (const file of readdirSync('events')
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    // bad-records holds a line of a megabyte: its result is checked where it is the subject.
    if (file === 'bad-records.json') continue;
    cases.push({
      name: `events-${file.replace(/\.json$/, '')}`,
      env: {},
      event: JSON.parse(readFileSync(`events/${file}`, 'utf8')) as FirehoseTransformationEvent,
    });
  }
  return cases;
}

/** The processor's answer to a case, record by record, with event lines in the clear. */
export function answer(golden: GoldenCase): GoldenRecord[] {
  return runBatch(golden.event, golden.env).response.records.map((record) => {
    const data = record.data ?? '';
    if (record.result !== 'Ok') return { recordId: record.recordId, result: record.result, data };
    const bytes = Buffer.from(data, 'base64');
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const text = (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
    return {
      recordId: record.recordId,
      result: gzip ? 'Ok (gzip)' : 'Ok',
      lines: text.slice(0, -1).split('\n'),
    };
  });
}

/** The checked-in goldens, one file per format, rule set and sample event file. */
export function readGoldens(): Golden[] {
  return readdirSync(GOLDEN_FOLDER)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => JSON.parse(readFileSync(`${GOLDEN_FOLDER}/${name}`, 'utf8')) as Golden[]);
}
