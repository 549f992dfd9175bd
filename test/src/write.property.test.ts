/**
 * The writer (src/write.ts) against the fields object, the two live paths an event can take: for
 * lines of every known format, of custom formats, JSON lines, labelled lines, lines nothing reads,
 * plain, odd-base64 and CloudWatch Logs records, under each SOURCE_IP policy, the processor with
 * the writer and the processor with every line through the fields object give every record the
 * same result, the same counts but the bytes written, and JSON-equal events, each line starting
 * `{\t` and parsing (eventsOf). What either path wrote before is held by the golden outputs
 * (test/golden.test.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import fc from 'fast-check';
import { readConfig } from '../../src/config';
import type { Counts } from '../../src/counts';
import { createProcessor, type Processor } from '../../src/firehose';
import { compileFormat } from '../../src/formats/compile';
import { compileConfigured, KNOWN_FORMATS } from '../../src/formats/known';
import { createEventWriter } from '../../src/write';
import { type Env, eventsOf } from '../support/batches';
import { firehoseEvent } from '../support/firehose-event';
import { FORMATS, formatLine, recordOf, settings } from '../support/generators';

/** The counts both paths agree on: all but the bytes written. */
function countsOf(counts: Counts): Omit<Counts, 'bytesOut'> {
  const { bytesOut: _bytesOut, ...rest } = counts;
  return rest;
}

/** Lines generated, over every format. */
let lines = 0;

afterAll(() => {
  expect(lines).toBeGreaterThanOrEqual(100_000);
});

/** The processor with the writer and without it, for each configuration, made once. */
const made = new Map<string, { written: Processor; object: Processor }>();

function processors(env: Env) {
  const key = JSON.stringify(env);
  let both = made.get(key);
  if (!both) {
    const config = readConfig(env);
    both = {
      written: createProcessor(config),
      object: createProcessor(config, { writer: false }),
    };
    made.set(key, both);
  }
  return both;
}

/** The batch through both paths, record by record. */
function expectBothPathsAlike(event: FirehoseTransformationEvent, env: Env): void {
  const { written, object } = processors(env);
  const got = written(event);
  const want = object(event);
  want.response.records.forEach((wanted, i) => {
    const record = got.response.records[i];
    expect(record?.result).toBe(wanted.result);
    if (wanted.result !== 'Ok') {
      expect(record?.data).toBe(wanted.data);
      return;
    }
    // Every line starts {\t and parses (eventsOf); the same text is the same events.
    const gotEvents = eventsOf(record?.data ?? '');
    if (record?.data === wanted.data) return;
    const wantEvents = eventsOf(wanted.data ?? '');
    // toEqual only to show a difference: isDeepStrictEqual is the fast check.
    if (!isDeepStrictEqual(gotEvents, wantEvents)) expect(gotEvents).toEqual(wantEvents);
  });
  expect(countsOf(got.summary)).toEqual(countsOf(want.summary));
}

const RUNS = 450;

describe.each(Object.entries(FORMATS))(
  'LOG_FORMAT %s: events the writer writes as the fields object does',
  (_name, format) => {
    it('for every kind of line and record', () => {
      fc.assert(
        fc.property(
          fc.array(recordOf(format), { minLength: 1, maxLength: 8 }),
          settings,
          (records, env) => {
            for (const [, count] of records) lines += count;
            const event = firehoseEvent(records.map(([input]) => input));
            expectBothPathsAlike(event, { ...env, LOG_FORMAT: format });
          },
        ),
        { numRuns: RUNS },
      );
    });
  },
);

describe('the written path', () => {
  it('writes a good share of the lines of the configured format itself', () => {
    for (const format of Object.values(KNOWN_FORMATS)) {
      const config = readConfig({ LOG_FORMAT: format });
      const write = createEventWriter(compileConfigured(format), config);
      const sample = fc.sample(formatLine(format), 300);
      const written = sample.filter((line) => write?.(line, 0, undefined) !== undefined);
      // Each generated value is now and then one its field refuses, so the more variables a
      // format has, the fewer of its lines read one way: the recommended format has 30.
      const variables = compileFormat('x', format).variables.length;
      expect(written.length).toBeGreaterThan(sample.length / (variables > 20 ? 5 : 3));
    }
  });
});
