/**
 * The Firehose processor: a batch of records in, the response Firehose expects out, with the
 * counts of what was done (docs/contracts.md §3). Each record goes through record.ts; the response
 * and its 6 MB budget are response.ts.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import type { Config } from './config';
import { type Inflated, inflateRecord, mayBeGzip } from './decode';
import { originOf } from './enrich';
import { loadObjectPath, NotLoaded } from './on-demand';
import { createRecordTransform } from './record';
import { type BatchOutcome, createResponse, type Response } from './response';
import type { RouteOptions } from './route';

export type { BatchOutcome } from './response';

/**
 * A batch through the pipeline, synchronously. `inflated[i]` is what inflateRecord made of record
 * i, when it ran; without it gzip records are inflated on the spot.
 */
export type Processor = (
  event: FirehoseTransformationEvent,
  inflated?: readonly (Inflated | undefined)[],
) => BatchOutcome;

function recordsOf(event: FirehoseTransformationEvent): FirehoseTransformationEventRecord[] {
  const records: unknown = event?.records;
  const at = Array.isArray(records)
    ? records.findIndex((record) => typeof record !== 'object' || record === null)
    : 0;
  if (at !== -1) {
    const which = Array.isArray(records)
      ? `records[${at}] is not a record`
      : '"records" is not an array';
    throw new TypeError(
      `Not a Firehose data-transformation event: ${which}; "records" must be an array of {recordId, data}`,
    );
  }
  return records as FirehoseTransformationEventRecord[];
}

/**
 * The Firehose processor for one configuration: maps each record through decode → read → enrich →
 * encode and builds the response. Returns exactly the input recordIds, in input order, each with a
 * result and base64 data (§3). Never throws for record content.
 */
export function createProcessor(config: Config, options?: RouteOptions): Processor {
  const transform = createRecordTransform(config, options);
  return (event, inflated) => {
    const records = recordsOf(event);
    const response = createResponse(records, transform, originOf(event.deliveryStreamArn));
    for (let i = 0; i < records.length; i++) response.add(i, inflated?.[i]);
    return response.done();
  };
}

/**
 * Adds records `from` to `to` - 1 to the response, releasing each one's inflated bytes once it is
 * added. A record that needs the object path before it is loaded (on-demand.ts) throws NotLoaded
 * out of the loop: the object path is loaded and the loop goes on from that record. The loop
 * itself stays a plain call per record: a wrapper with its own try per record measured about 4%
 * slower on the CLF batch (short lines, a record each) in an A/B of the two builds.
 */
async function addRecords(
  response: Response,
  from: number,
  to: number,
  inflated?: (Inflated | undefined)[],
  deadlineMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  let i = from;
  for (;;) {
    try {
      if (inflated) {
        for (; i < to; i++) {
          // Before each inflated record (up to 4 MiB of lines each), not each group's eight.
          if (inflated[i] !== undefined && Date.now() > deadlineMs) response.stop(OUT_OF_TIME);
          response.add(i, inflated[i]);
          inflated[i] = undefined;
        }
      } else {
        for (; i < to; i++) response.add(i, undefined);
      }
      return;
    } catch (error) {
      if (!(error instanceof NotLoaded)) throw error;
      await loadObjectPath();
    }
  }
}

/**
 * Why the records left when the deadline passes fail. Only gzip records can take long: 6 MB of
 * them inflate to hundreds of records of 4 MiB (decode.ts), which took 75 s for 440 records of
 * blank lines. Failed, they are kept for S3 and replayed; a timed-out invocation would fail all
 * of them, the records already transformed too, and be retried whole.
 */
const OUT_OF_TIME = "the invocation's time was running out";

/** Gzip records inflated together: one wait for the thread pool per group, not per record. */
const INFLATE_GROUP = 8;

/**
 * The processor as the function runs it. Gzip records are inflated off the main thread (Node's
 * synchronous gunzip leaks on corrupt input, decode.ts), a group of INFLATE_GROUP at a time, the
 * next group while this one's records are transformed: memory holds at most two groups of
 * inflated records (each under the 4 MiB cap), whatever the batch, where inflating every record
 * of a batch at once took more than a gigabyte for 200 records in a function of 256 MB. Once
 * `deadlineMs` (epoch milliseconds) has passed, the records not yet transformed come back
 * ProcessingFailed with their data (OUT_OF_TIME).
 */
export function createAsyncProcessor(
  config: Config,
): (event: FirehoseTransformationEvent, deadlineMs?: number) => Promise<BatchOutcome> {
  const transform = createRecordTransform(config);
  const processBatch = async (
    event: FirehoseTransformationEvent,
    deadlineMs = Number.POSITIVE_INFINITY,
  ): Promise<BatchOutcome> => {
    const records = recordsOf(event);
    const response = createResponse(records, transform, originOf(event.deliveryStreamArn));
    const gzip: number[] = [];
    for (let i = 0; i < records.length; i++) if (mayBeGzip(records[i]?.data)) gzip.push(i);
    if (gzip.length === 0) {
      await addRecords(response, 0, records.length);
      return response.done();
    }
    const inflated: (Inflated | undefined)[] = [];
    const inflateGroup = (group: number): Promise<unknown> | undefined => {
      // Not the records the response will fail untransformed (as large as one that did not fit,
      // or past the deadline); a group started before that was known is inflated whole.
      const indexes = gzip
        .slice(group * INFLATE_GROUP, (group + 1) * INFLATE_GROUP)
        .filter((i) => response.willTry(i));
      if (indexes.length === 0) return undefined;
      return Promise.all(
        indexes.map((i) =>
          inflateRecord(records[i]?.data as string).then((result) => {
            inflated[i] = result;
          }),
        ),
      );
    };
    let next = 0;
    let group = 0;
    let current = inflateGroup(0);
    while (next < records.length) {
      await current;
      if (Date.now() > deadlineMs) response.stop(OUT_OF_TIME);
      // This group's records, and the plain records up to the next group's first.
      const last = gzip[Math.min(gzip.length, (group + 1) * INFLATE_GROUP) - 1] as number;
      const end = group * INFLATE_GROUP + INFLATE_GROUP >= gzip.length ? records.length : last + 1;
      group++;
      current = inflateGroup(group);
      await addRecords(response, next, end, inflated, deadlineMs);
      next = end;
    }
    await current; // a group started for records the response had no room or time left for
    return response.done();
  };
  return processBatch;
}
