/**
 * One Firehose record through decode → read → enrich → rules → encode, to its outcome
 * (outcome.ts): the lines it decodes to go through route.ts. Never throws for a record's content.
 */
import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import type { Config } from './config';
import { decodeRecord, type Inflated } from './decode';
import type { Origin } from './enrich';
import { NotLoaded } from './on-demand';
import { dropped, failed, outcomeOf, type RecordOutcome, recordEvents } from './outcome';
import { createLineRouter, type RouteOptions } from './route';

export type RecordTransform = (
  record: FirehoseTransformationEventRecord,
  inflated: Inflated | undefined,
  /** The account and region of the batch, read once per invocation. */
  origin?: Origin,
) => RecordOutcome;

/** One record through decode → read → enrich → rules → encode. Never throws for content. */
export function createRecordTransform(config: Config, options?: RouteOptions): RecordTransform {
  if (config.sourceIpHashKeySecretArn) {
    // Hashing with an empty key would let anyone re-identify addresses (src/secrets.ts reads it).
    throw new Error(`the hash key in ${config.sourceIpHashKeySecretArn} has not been read`);
  }
  const { readLines, unparsedLine, withRules } = createLineRouter(config, options);

  const transformRecord: RecordTransform = (record, inflated, origin) => {
    const arrivalMs = Number.isFinite(record.approximateArrivalTimestamp)
      ? record.approximateArrivalTimestamp
      : Date.now();
    const decoded = decodeRecord(record.data, inflated);
    const events = recordEvents();
    switch (decoded.kind) {
      case 'nothing':
        return dropped(record, decoded.reason);
      case 'too_large':
        return failed(record, decoded.reason);
      case 'unreadable':
        // REDACT cannot look inside bytes: kept for S3, they never reach OpenObserve unread.
        if (decoded.bytes && config.onParseError === 'keep' && config.rules.redact.length > 0) {
          return failed(record, `${decoded.reason}; REDACT cannot read bytes`);
        }
        unparsedLine(events, decoded.message, decoded.reason, {
          fallbackTimeMs: arrivalMs,
          origin,
        });
        break;
      case 'lines':
        readLines(events, decoded, arrivalMs, origin);
    }
    return outcomeOf(record, events, config.onParseError, withRules);
  };

  const transformAny: RecordTransform = (record, inflated, origin) => {
    if (typeof record.data !== 'string') return failed(record, 'record without data');
    try {
      return transformRecord(record, inflated, origin);
    } catch (error) {
      if (error instanceof NotLoaded) throw error; // the processor loads it and comes back
      // A defect must not fail the batch: the record is kept for S3 and the reason is logged.
      return failed(record, `unexpected error: ${(error as Error).message}`);
    }
  };
  return transformAny;
}
