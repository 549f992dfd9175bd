import { randomBytes } from 'node:crypto';
import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import { recordCounts } from '../../src/counts';
import type { RecordTransform } from '../../src/record';
import { createResponse, RESPONSE_LIMIT_BYTES } from '../../src/response';

/** Ids JSON must escape, so that their length alone does not give their room in the response. */
const records: FirehoseTransformationEventRecord[] = ['a\u0001"', 'b\\\n', 'c\u0002'].map(
  (recordId) => ({ recordId, approximateArrivalTimestamp: 0, data: 'AAAA' }),
);

/** Base64 of random bytes: events gzip would not make shorter. */
const noise = randomBytes(4_500_000).toString('base64');

/** Every record Ok, the last with `lastBytes` of data, the others with 4. */
const okWith =
  (lastBytes: number): RecordTransform =>
  (record) => {
    const last = record.recordId === records[records.length - 1]?.recordId;
    const data = last ? noise.slice(0, lastBytes) : 'AAAA';
    return { result: { recordId: record.recordId, result: 'Ok', data }, counts: recordCounts() };
  };

describe('createResponse', () => {
  // The room the response counts for a whole batch: {"records":[]}, and for each record its id as
  // JSON, its result, its data and the JSON around them.
  const room = (lastBytes: number) =>
    16 +
    records.reduce((sum, { recordId }) => sum + JSON.stringify(recordId).length + 36 + 2, 0) +
    4 * (records.length - 1) +
    lastBytes;
  const fitting = RESPONSE_LIMIT_BYTES - room(0);

  it('keeps a record that fills the response to its limit exactly', () => {
    const response = createResponse(records, okWith(fitting));
    for (let i = 0; i < records.length; i++) response.add(i, undefined);
    expect(response.done().response.records.map((record) => record.result)).toEqual([
      'Ok',
      'Ok',
      'Ok',
    ]);
  });

  it('fails, with its data, a record one byte past it', () => {
    const response = createResponse(records, okWith(fitting + 1));
    for (let i = 0; i < records.length; i++) response.add(i, undefined);
    const { response: result, summary } = response.done();
    expect(result.records.map((record) => record.result)).toEqual(['Ok', 'Ok', 'ProcessingFailed']);
    expect(result.records[2]?.data).toBe('AAAA');
    expect(summary.failedOverResponseLimit).toBe(1);
  });
});

describe('createResponse past the limit', () => {
  const recordOf = (recordId: string, bytes: number): FirehoseTransformationEventRecord => ({
    recordId,
    approximateArrivalTimestamp: 0,
    data: 'A'.repeat(bytes),
  });
  /** Each record's events take `grow` times its data, and its id is noted as transformed. */
  const growing = (grow: number, transformed: string[]): RecordTransform => {
    return (record) => {
      transformed.push(record.recordId);
      const data = noise.slice(0, record.data.length * grow);
      return { result: { recordId: record.recordId, result: 'Ok', data }, counts: recordCounts() };
    };
  };

  it('still takes a smaller record after one that did not fit, and skips those as large', () => {
    // Twice its data: the 1 MB record takes the room the 1.5 MB one would have needed.
    const batch = [
      recordOf('big', 1_000_000),
      recordOf('bigger', 1_500_000),
      recordOf('same', 1_500_000),
      recordOf('small', 100_000),
    ];
    const transformed: string[] = [];
    const response = createResponse(batch, growing(2, transformed));
    for (let i = 0; i < batch.length; i++) response.add(i, undefined);
    const { response: result, summary } = response.done();
    expect(result.records.map((record) => record.result)).toEqual([
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
      'Ok',
    ]);
    expect(result.records[1]?.data).toBe(batch[1]?.data);
    expect(result.records[2]?.data).toBe(batch[2]?.data);
    expect(summary.failedOverResponseLimit).toBe(2);
    // The record as large as one that did not fit is failed without being transformed.
    expect(transformed).toEqual(['big', 'bigger', 'small']);
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
  });

  it('keeps a gzip record uncompressed when gzip would make its events no shorter', () => {
    // Events three times the record's data leave too little room for the record after it, were
    // it to grow as much: the record is compressed if that makes it shorter, and random events
    // it does not.
    const batch = [
      { ...recordOf('gzip', 100_000), data: `H4${'A'.repeat(99_998)}` },
      recordOf('after', 2_000_000),
    ];
    const response = createResponse(batch, growing(3, []));
    for (let i = 0; i < batch.length; i++) response.add(i, undefined);
    const { response: result, summary } = response.done();
    expect(result.records[0]).toMatchObject({ result: 'Ok', data: noise.slice(0, 300_000) });
    expect(summary.compressed).toBe(0);
  });
});
