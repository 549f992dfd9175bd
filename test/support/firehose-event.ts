/**
 * The one place that builds Firehose data-transformation events (docs/contracts.md §3): for
 * `events/*.json`, for `npm run invoke` on a file of log lines, and for the tests.
 */
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';

export const SAMPLE_STREAM_ARN =
  'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-access-logs';

/** A record's payload: text or bytes as the producer wrote it, or `data` already in base64. */
export type RecordInput =
  | { readonly text: string; readonly arrivalMs?: number }
  | { readonly bytes: Uint8Array; readonly arrivalMs?: number }
  | { readonly data: string; readonly arrivalMs?: number };

/** Default arrival time of sample records: 2026-11-24T18:47:30Z. */
export const SAMPLE_ARRIVAL_MS = Date.UTC(2026, 10, 24, 18, 47, 30);

export function firehoseEvent(
  inputs: readonly RecordInput[],
  invocationId = '00540a87-5050-496a-84e4-e7d92bbaf5e2',
): FirehoseTransformationEvent {
  return {
    invocationId,
    deliveryStreamArn: SAMPLE_STREAM_ARN,
    region: 'us-east-1',
    records: inputs.map((input, i) => ({
      // Firehose record ids are long opaque strings; the index keeps samples readable.
      recordId: `49546986683135544286507457936321625675700192471156785154${String(i).padStart(6, '0')}`,
      approximateArrivalTimestamp: input.arrivalMs ?? SAMPLE_ARRIVAL_MS,
      data:
        'data' in input
          ? input.data
          : Buffer.from('text' in input ? input.text : input.bytes).toString('base64'),
    })),
  };
}

/** What a CloudWatch Logs subscription writes to Firehose: a gzip JSON envelope (§3). */
export function cloudWatchRecord(
  messages: readonly { message: string; timestampMs: number }[],
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' = 'DATA_MESSAGE',
  logGroup = '/aws/apigateway/http-api-access',
): RecordInput {
  const envelope = {
    messageType,
    owner: messageType === 'DATA_MESSAGE' ? '123456789012' : 'CloudwatchLogs',
    logGroup: messageType === 'DATA_MESSAGE' ? logGroup : '',
    logStream: messageType === 'DATA_MESSAGE' ? 'prod-stream' : '',
    subscriptionFilters: ['to-firehose'],
    logEvents: messages.map((entry, i) => ({
      id: `3719592929192939459${String(i).padStart(4, '0')}`,
      timestamp: entry.timestampMs,
      message:
        messageType === 'CONTROL_MESSAGE'
          ? 'CWL CONTROL MESSAGE: Checking health of destination Firehose.'
          : entry.message,
    })),
  };
  return { bytes: gzipSync(JSON.stringify(envelope)) };
}

/**
 * Records whose events would hold half of a UTF-16 pair if nothing stopped it, each with a request
 * id starting `lone-` (OpenObserve refuses a lone surrogate's escape, and the whole request with
 * it): a JSON object line with a `\ud83d` escape, a CloudWatch Logs message with one (its envelope
 * is JSON), an execution-log failure whose 1,000th character is the first half of an emoji.
 * `line` is a line of the recommended format.
 */
export function loneSurrogateRecords(line: string): RecordInput[] {
  const half = '\ud83d';
  return [
    { text: `{"requestId":"lone-json","status":"500","userAgent":"x ${half} y"}` },
    cloudWatchRecord([
      {
        message: line
          .replace('RequestId: ', 'RequestId: lone-cloudwatch-')
          .replace(/UserAgent: [^,]*/, `UserAgent: x ${JSON.parse(`"${half}"`)} y`),
        timestampMs: SAMPLE_ARRIVAL_MS,
      },
    ]),
    {
      text: `(lone-execution) Execution failed due to configuration error: ${'a'.repeat(999)}😀 and more`,
    },
  ];
}
