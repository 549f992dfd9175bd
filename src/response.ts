/**
 * The response of one batch as it is built, within Lambda's 6 MB response (docs/contracts.md §3):
 * each record's result once, in input order. Room is kept for the records not yet added at their
 * original size, so a record that does not fit is still returned ProcessingFailed with its data,
 * and the records after it are tried while they are smaller than every record that did not fit; a
 * gzip record whose events would leave too little room for the others, were they as large, is
 * compressed, and any record that would not fit otherwise.
 */
import type { FirehoseTransformationEventRecord, FirehoseTransformationResult } from 'aws-lambda';
import { addCounts, type Counts, emptyCounts } from './counts';
import { type Inflated, mayBeGzip } from './decode';
import type { Origin } from './enrich';
import { compressed, failed, type RecordOutcome, type ResultRecord } from './outcome';
import type { RecordTransform } from './record';

/**
 * Lambda's synchronous response limit is 6 MB (§3). The response is kept under this bound, which
 * leaves room for the JSON around the records whatever "MB" means there.
 */
export const RESPONSE_LIMIT_BYTES = 6_000_000 - 64 * 1024;

export interface BatchOutcome {
  readonly response: FirehoseTransformationResult;
  readonly summary: Counts;
}

/** Bytes a base64 text decodes to, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/**
 * Bytes the records' entries add to the response JSON besides their results and data: each
 * `{"recordId":…,"result":"…","data":"…"}` and a comma. `bound` is an upper bound from the ids'
 * lengths (JSON writes a character as at most 6); `exact()` is the true figure, from one
 * JSON.stringify of every id, made only when the bound does not settle whether a record fits:
 * stringifying each id cost 2-3% of a batch.
 */
function entriesOverhead(records: readonly FirehoseTransformationEventRecord[]) {
  const ENTRY = 36;
  let bound = 0;
  for (const record of records) bound += 6 * String(record.recordId).length + 2 + ENTRY;
  let exact: number | undefined;
  return {
    bound,
    exact(): number {
      if (exact === undefined) {
        const ids = records.map((record) => String(record.recordId));
        // [a,b,…]: each id quoted and escaped, plus the brackets and n - 1 commas.
        exact =
          ids.length === 0 ? 0 : JSON.stringify(ids).length - ids.length - 1 + ENTRY * ids.length;
      }
      return exact;
    },
  };
}

const dataOf = (record: FirehoseTransformationEventRecord) =>
  typeof record.data === 'string' ? record.data : '';

/** Whether a record's events may be gzip-compressed to fit the response. */
const mayCompress = (outcome: RecordOutcome) =>
  outcome.result.result === 'Ok' && !outcome.counts.compressed;

/**
 * The outcome compressed, or as it is when that is no shorter (a line or two of events). Compressed,
 * the events of a CloudWatch record take about the room of the record itself, whatever their
 * number: a record of twenty events is ten times its gzip data as text, and a batch of such
 * records, each under any size worth compressing alone, filled the response at a third of it.
 */
function shorter(outcome: RecordOutcome): RecordOutcome {
  const smaller = compressed(outcome);
  return smaller.result.data.length < outcome.result.data.length ? smaller : outcome;
}

/**
 * The room left in the response. `committed` is its size as if each record not yet added came back
 * ProcessingFailed with its data (its `worst`), without the entries' overhead: `{"records":[]}`
 * and each record's result and data.
 */
function responseRoom(records: readonly FirehoseTransformationEventRecord[]) {
  const overhead = entriesOverhead(records);
  let committed = 16;
  for (const record of records) committed += 'ProcessingFailed'.length + dataOf(record).length;
  /** What `committed` holds for the records not yet added. */
  let pending = committed - 16;
  const sizeOf = (outcome: RecordOutcome) =>
    outcome.result.result.length + outcome.result.data.length;
  return {
    /** Record i is being added: it is no longer pending. */
    adding(worst: number): void {
      pending -= worst;
    },
    /** Whether the response has room for `outcome` in place of the `worst` one reserved. */
    fits(worst: number, outcome: RecordOutcome): boolean {
      const size = committed - worst + sizeOf(outcome);
      return (
        size + overhead.bound <= RESPONSE_LIMIT_BYTES ||
        size + overhead.exact() <= RESPONSE_LIMIT_BYTES
      );
    },
    /**
     * Whether `outcome` leaves room for the records not yet added if each grew from its data as
     * much as this one: a record of CloudWatch Logs events is ten and more times its gzip data,
     * and taken uncompressed while it fits, the first records would leave no room for the others
     * even compressed.
     */
    leavesRoom(worst: number, outcome: RecordOutcome): boolean {
      const size = sizeOf(outcome);
      const growth = Math.max(0, size / worst - 1) * pending;
      const total = committed - worst + size + growth;
      // The exact overhead when the bound does not settle it: thousands of one-line records (an
      // access log's own) have ids that take a bound of megabytes, and each would be compressed.
      return (
        total + overhead.bound <= RESPONSE_LIMIT_BYTES ||
        total + overhead.exact() <= RESPONSE_LIMIT_BYTES
      );
    },
    /** `outcome` is added in place of the `worst` one reserved. */
    take(worst: number, outcome: RecordOutcome): void {
      committed += sizeOf(outcome) - worst;
    },
  };
}

export function createResponse(
  records: readonly FirehoseTransformationEventRecord[],
  transform: RecordTransform,
  /** The account and region of the batch, passed to each record's transform. */
  origin?: Origin,
) {
  const summary = emptyCounts();
  summary.recordsIn = records.length;
  const results: ResultRecord[] = [];
  const room = responseRoom(records);
  /**
   * The data length of the smallest record that did not fit. A record at least as large is
   * failed untransformed: its events would most likely not fit either, and a batch past the
   * limit would otherwise be transformed, and its gzip records inflated and compressed, to the
   * end for nothing. A smaller record is still tried: it may fit in the room left.
   */
  let missedFrom = Number.POSITIVE_INFINITY;
  /** Why no more records are transformed (stop), if they are not. */
  let stopped: string | undefined;
  const willTry = (data: string) => stopped === undefined && data.length < missedFrom;

  return {
    /** From now on each record is returned ProcessingFailed with its data, for `reason`. */
    stop(reason: string): void {
      stopped ??= reason;
    },
    /** Whether record i is to be transformed, as far as is known before it is added. */
    willTry(i: number): boolean {
      return willTry(dataOf(records[i] as FirehoseTransformationEventRecord));
    },
    /** Adds record i, transformed only while the response may have room for it. */
    add(i: number, inflated: Inflated | undefined): void {
      const record = records[i] as FirehoseTransformationEventRecord;
      const data = dataOf(record);
      const worst = 'ProcessingFailed'.length + data.length;
      const tried = willTry(data);
      // Before anything is counted: a transform that throws NotLoaded (on-demand.ts) is run again.
      let outcome = tried ? transform(record, inflated, origin) : undefined;
      summary.bytesIn += base64Bytes(data);
      room.adding(worst);
      // Early only a gzip record (CloudWatch Logs): a plain record's events are a few times its
      // lines at most, and its look at the room, counting every record still to come as growing
      // as much, had one-line records beside CloudWatch ones all compressed for nothing.
      // Whether gzip was tried already and kept only if shorter: then it cannot make room.
      let triedGzip = false;
      if (outcome && mayBeGzip(data) && mayCompress(outcome) && !room.leavesRoom(worst, outcome)) {
        outcome = shorter(outcome);
        triedGzip = true;
      }
      if (outcome && !room.fits(worst, outcome)) {
        const smaller = mayCompress(outcome) && !triedGzip ? compressed(outcome) : undefined;
        outcome = smaller && room.fits(worst, smaller) ? smaller : undefined;
        if (outcome === undefined) missedFrom = data.length;
      }
      if (!outcome && !tried && stopped !== undefined) {
        summary.failedOutOfTime++;
        outcome = failed(record, stopped);
      } else if (!outcome) {
        summary.failedOverResponseLimit++;
        outcome = failed(record, 'response would pass the 6 MB limit');
      }
      addCounts(summary, outcome.counts);
      room.take(worst, outcome);
      results.push(outcome.result);
    },
    done(): BatchOutcome {
      return { response: { records: results }, summary };
    },
  };
}

export type Response = ReturnType<typeof createResponse>;
