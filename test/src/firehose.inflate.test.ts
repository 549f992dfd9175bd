/**
 * The async processor inflates gzip records a group ahead of the ones it transforms: once a record
 * does not fit the response, a group started afterwards leaves out the records as large, which
 * the response fails untransformed (src/response.ts).
 */
import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import { readConfig } from '../../src/config';
import { recordCounts } from '../../src/counts';
import { createAsyncProcessor } from '../../src/firehose';

const inflated: string[] = [];

jest.mock('../../src/decode', () => {
  const actual = jest.requireActual('../../src/decode');
  return {
    ...actual,
    inflateRecord: async (data: string) => {
      inflated.push(data.slice(4, 12));
      return Buffer.alloc(0);
    },
  };
});

// Every record's events are twice its data, and random (gzip would not make them shorter): the
// response fills after a few records.
jest.mock('../../src/record', () => {
  const noise = jest.requireActual('node:crypto').randomBytes(300_000).toString('base64') as string;
  return {
    createRecordTransform: () => (record: FirehoseTransformationEventRecord) => ({
      result: {
        recordId: record.recordId,
        result: 'Ok',
        data: noise.slice(0, record.data.length * 2),
      },
      counts: recordCounts(),
    }),
  };
});

it('does not inflate the gzip records of a group started after a record as large did not fit', async () => {
  // 32 records of 150,000 base64 characters that look like gzip ("H4sI"), but record 28 of 2,000.
  const records = Array.from({ length: 32 }, (_, i) => ({
    recordId: String(i),
    approximateArrivalTimestamp: 0,
    data: `H4sI${String(i).padStart(8, '0')}${'A'.repeat((i === 28 ? 2_000 : 150_000) - 12)}`,
  }));
  const { response, summary } = await createAsyncProcessor(readConfig({}))({
    invocationId: 'i',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
    region: 'us-east-1',
    records,
  });
  const results = response.records.map((record) => record.result);
  const firstMiss = results.indexOf('ProcessingFailed');
  // Eight fit (their events take 150,000 more each than the room they had reserved), the ninth
  // does not, and the records after it as large do not either; record 28, smaller, does.
  expect(firstMiss).toBe(8);
  expect(results.map((result, i) => (result === 'Ok' ? i : -1)).filter((i) => i >= 0)).toEqual([
    0, 1, 2, 3, 4, 5, 6, 7, 28,
  ]);
  expect(summary.failedOverResponseLimit).toBe(32 - 9);
  // The groups of records 0-7, 8-15 and 16-23 were started before record 8 was added; of the
  // group of 24-31, started after, only record 28.
  expect(inflated).toEqual([...Array.from({ length: 24 }, (_, i) => i), 28].map(pad));
});

const pad = (i: number) => String(i).padStart(8, '0');
