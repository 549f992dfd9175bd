import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { isGzip } from '../../src/decode';
import { RESPONSE_LIMIT_BYTES } from '../../src/response';
import { runBatch } from '../support/batches';
import { firehoseEvent, type RecordInput } from '../support/firehose-event';
import { readCorpus } from '../support/sample-events';

const lines = readCorpus().map((entry) => entry.line);

/** Any record a producer could write, good or bad. */
const recordInput: fc.Arbitrary<RecordInput> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...lines).map((text) => ({ text })) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...lines), fc.string({ unit: 'binary' })), { maxLength: 5 })
      .map((parts) => ({ text: parts.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]) })),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((data) => ({ data })) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...lines), { maxLength: 20 })
      .map((parts) => ({ bytes: gzipSync(parts.join('\n')) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(40))
      .map(([bytes, cut]) => ({ bytes: gzipSync(bytes).subarray(0, cut) })),
  },
  { weight: 1, arbitrary: fc.constant({ text: '' }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...lines), fc.integer({ min: 100_000, max: 1_000_000 }))
      .map(([line, size]) => ({ text: line + 'x'.repeat(size) })),
  },
);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

describe('handler on arbitrary batches', () => {
  it('returns every recordId once, in order, with valid results and data, and never throws', () => {
    fc.assert(
      fc.property(
        // Lambda accepts at most 6 MB per invocation, so Firehose never sends more.
        fc
          .array(recordInput, { maxLength: 12 })
          .filter((inputs) => JSON.stringify(firehoseEvent(inputs)).length < 5_500_000),
        fc.constantFrom('keep', 'fail', 'drop'),
        (inputs, onParseError) => {
          const event = firehoseEvent(inputs);
          const { response } = runBatch(event, { ON_PARSE_ERROR: onParseError });
          expect(response.records.map((record) => record.recordId)).toEqual(
            event.records.map((record) => record.recordId),
          );
          expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(
            RESPONSE_LIMIT_BYTES,
          );
          response.records.forEach((record, i) => {
            expect(['Ok', 'Dropped', 'ProcessingFailed']).toContain(record.result);
            expect(typeof record.data).toBe('string');
            if (record.result === 'ProcessingFailed') {
              // Nothing lost: the original goes to S3, as base64 even when it was not.
              const original = event.records[i]?.data as string;
              expect([original, Buffer.from(original).toString('base64')]).toContain(record.data);
              expect(record.data).toMatch(BASE64);
              return;
            }
            if (record.result !== 'Ok') return;
            expect(record.data).toMatch(BASE64);
            // Events over a record's 1,024,000 bytes are sent gzip-compressed (docs/contracts.md §5.1).
            const bytes = Buffer.from(record.data as string, 'base64');
            const text = (isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
            expect(text.endsWith('\n')).toBe(true);
            for (const line of text.slice(0, -1).split('\n')) {
              expect(line.startsWith('{\t')).toBe(true);
              const parsed = JSON.parse(line);
              expect(typeof parsed).toBe('object');
              expect(Array.isArray(parsed)).toBe(false);
              expect(typeof parsed._timestamp).toBe('number');
              for (const key of Object.keys(parsed)) expect(key).toMatch(/^[a-z0-9_]+$/);
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps every unparsed line in keep mode: each input line is an event', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ minLength: 1, maxLength: 80 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (texts) => {
          const inputs = texts.map((text) => ({ text }));
          const { response, summary } = runBatch(firehoseEvent(inputs));
          const expected = texts.filter(
            (text) => text.trim().length > 0 && !text.includes('\u0000'),
          );
          const lineCount = expected.reduce(
            (sum, text) => sum + text.split('\n').filter((line) => line.trim().length > 0).length,
            0,
          );
          expect(summary.eventsOut).toBe(
            lineCount + texts.filter((text) => text.includes('\u0000')).length,
          );
          expect(summary.processingFailed).toBe(0);
          expect(response.records).toHaveLength(texts.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
