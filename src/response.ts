/**
 * The response of one batch as it is built, within Lambda's 6 MB response (docs/contracts.md §3):
 * each record's result once, in input order. Room is kept for the records not yet added at their
 * original size, so once the response is full each of them is still returned ProcessingFailed
 * with its data.
 */
import type { FirehoseTransformationEventRecord, FirehoseTransformationResult } from 'aws-lambda';
import { addCounts, type Counts, emptyCounts } from './counts';
import type { Inflated } from './decode';
import {
  compressed,
  failed,
  type RecordOutcome,
  type RecordTransform,
  type ResultRecord,
} from './record';

/**
 * Lambda's synchronous response limit is 6 MB (§3). The response is kept under this bound, which
 * leaves room for the JSON around the records whatever "MB" means there.
 */
export const RESPONSE_LIMIT_BYTES = 6_000_000 - 64 * 1024;

/** Event bytes below which a record is not compressed to fit the response. */
const MIN_COMPRESSED_BYTES = 16 * 1024;

export interface BatchOutcome {
  readonly response: FirehoseTransformationResult;
  readonly summary: Counts;
}

/** Bytes a base64 text decodes to, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** Bytes a result record adds to the response JSON besides its result and data. */
function entryOverhead(recordId: string): number {
  // {"recordId":…,"result":"…","data":"…"}, plus a comma
  return JSON.stringify(recordId).length + 36;
}

const dataOf = (record: FirehoseTransformationEventRecord) =>
  typeof record.data === 'string' ? record.data : '';

/**
 * Compressed, the events of a CloudWatch record take about the room of the record itself; a
 * record of a few lines would gain too little to be worth a gzip stream.
 */
const mayCompress = (outcome: RecordOutcome) =>
  outcome.result.result === 'Ok' &&
  !outcome.counts.compressed &&
  outcome.counts.bytesOut >= MIN_COMPRESSED_BYTES;

export function createResponse(
  records: readonly FirehoseTransformationEventRecord[],
  transform: RecordTransform,
) {
  const summary = emptyCounts();
  summary.recordsIn = records.length;
  const results: ResultRecord[] = [];
  const overheads = records.map((record) => entryOverhead(String(record.recordId)));
  let reserved = 0;
  records.forEach((record, i) => {
    reserved += (overheads[i] as number) + 'ProcessingFailed'.length + dataOf(record).length;
  });
  let used = 16; // {"records":[]}
  let full = false;

  const fits = (overhead: number, outcome: RecordOutcome) =>
    used + overhead + outcome.result.result.length + outcome.result.data.length + reserved <=
    RESPONSE_LIMIT_BYTES;

  return {
    // A method, not a getter: an object literal with an accessor cost CloudWatch batches 15%.
    isFull(): boolean {
      return full;
    },
    /** Adds record i, transformed only while the response has room. */
    add(i: number, inflated: Inflated | undefined): void {
      const record = records[i] as FirehoseTransformationEventRecord;
      const overhead = overheads[i] as number;
      const data = dataOf(record);
      reserved -= overhead + 'ProcessingFailed'.length + data.length;
      summary.bytesIn += base64Bytes(data);
      let outcome = full ? undefined : transform(record, inflated);
      if (outcome && !fits(overhead, outcome)) {
        const smaller = mayCompress(outcome) ? compressed(outcome) : undefined;
        outcome = smaller && fits(overhead, smaller) ? smaller : undefined;
        full = outcome === undefined;
      }
      if (!outcome) {
        summary.failedOverResponseLimit++;
        outcome = failed(record, 'response would pass the 6 MB limit');
      }
      addCounts(summary, outcome.counts);
      used += overhead + outcome.result.result.length + outcome.result.data.length;
      results.push(outcome.result);
    },
    done(): BatchOutcome {
      return { response: { records: results }, summary };
    },
  };
}

export type Response = ReturnType<typeof createResponse>;
