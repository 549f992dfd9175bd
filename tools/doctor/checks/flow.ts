/** flow: records came into the stream and were delivered to OpenObserve, over --since. */
import type { Statistic } from '@aws-sdk/client-cloudwatch';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { parameter, type StreamFacts } from '../../aws/stream';
import { check, couldNot } from '../check';
import { type DoctorCheck, type Facts, show } from '../facts';

/**
 * Seconds records may wait in the stream before a delivery is due: the processor's buffer and the
 * delivery buffer, as the stream sets them (Firehose's defaults, 60 and 300 s, where it sets none;
 * 900 s, their most, where a value is unreadable), and the minute a delivery may take.
 */
function bufferedSeconds(stream: StreamFacts): number {
  const seconds = (value: unknown, fallback: number) =>
    Number.isFinite(Number(value)) && value !== undefined ? Number(value) : fallback;
  const processor = seconds(parameter(stream.lambda, 'BufferIntervalInSeconds'), 60);
  const delivery = seconds(stream.http?.BufferingHints?.IntervalInSeconds, 300);
  return Math.min(processor, 900) + Math.min(delivery, 900) + 60;
}

/** Where the function logs: its LoggingConfig's group (the template's), else Lambda's default. */
const logGroupOf = (fn: FunctionConfiguration | undefined) =>
  fn?.LoggingConfig?.LogGroup ?? `/aws/lambda/${fn?.FunctionName ?? '<function>'}`;

/** The processor's Errors over --since, or undefined when they cannot be read. */
async function functionErrors(facts: Facts): Promise<number | undefined> {
  const name = (await facts.processorFunction())?.FunctionName;
  if (!name) return undefined;
  return facts
    .metric({
      namespace: 'AWS/Lambda',
      name: 'Errors',
      dimensions: [{ Name: 'FunctionName', Value: name }],
      statistic: 'Sum',
    })
    .catch(() => undefined);
}

async function readFlow(facts: Facts) {
  const dimensions = [{ Name: 'DeliveryStreamName', Value: facts.options.stream }];
  const firehose = (name: string, statistic: Statistic) =>
    facts.metric({ namespace: 'AWS/Firehose', name, dimensions, statistic });
  return {
    incoming: await firehose('IncomingRecords', 'Sum'),
    delivered: await firehose('DeliveryToHttpEndpoint.Records', 'Sum'),
    success: await firehose('DeliveryToHttpEndpoint.Success', 'Average'),
    freshness: await firehose('DeliveryToHttpEndpoint.DataFreshness', 'Maximum'),
    // Records refused over the stream's quota (in no backup), and invocations of the processor
    // Firehose could not make (which no Lambda metric shows): what the template alarms on.
    throttled: await firehose('ThrottledRecords', 'Sum'),
    invoked: await firehose('ExecuteProcessing.Success', 'Average'),
  };
}

/**
 * Firehose retries a failed invocation (NumberOfRetries, docs/contracts.md §3): some failing is a
 * warning (records out of retries are in processing-failed/: failed-records), all a failure. An
 * invocation fails when Firehose may not make it (the role) or when the function throws.
 */
async function invocationsFailed(facts: Facts, invoked: number, evidence: string[]) {
  const threw = (await functionErrors(facts)) ?? 0;
  return check(
    'flow',
    invoked === 0 ? 'fail' : 'warn',
    invoked === 0
      ? threw > 0
        ? `the processor's invocations failed (it threw ${threw} time(s)): every batch goes to the backup as failed`
        : 'Firehose could not invoke the processor: every batch goes to the backup as failed'
      : 'some invocations of the processor failed and were retried (failed-records lists records out of retries)',
    evidence,
    threw > 0
      ? `see the function-health check and the function's log group ${logGroupOf(await facts.processorFunction())}`
      : `see the processor-role check and the Firehose error log group /aws/kinesisfirehose/${facts.options.stream}`,
  );
}

export const flowCheck: DoctorCheck = async (facts) => {
  if (!(await facts.streamFacts())) return undefined;
  let flow: Awaited<ReturnType<typeof readFlow>>;
  try {
    flow = await readFlow(facts);
  } catch (error) {
    return couldNot('flow', "read the stream's CloudWatch metrics", error);
  }
  const { incoming, delivered, success, freshness, throttled, invoked } = flow;
  const since = facts.since;
  const evidence = [
    `IncomingRecords ${show(incoming)}, DeliveryToHttpEndpoint.Records ${show(delivered)}, .Success ${show(success)}, .DataFreshness max ${show(freshness, 's')} (last ${since})`,
    `ThrottledRecords ${show(throttled)}, ExecuteProcessing.Success ${show(invoked)}`,
  ];
  if (throttled) {
    return check(
      'flow',
      'fail',
      `the stream refused ${show(throttled)} record(s) over its quota: in no backup, lost unless their sender sent them again`,
      evidence,
      "raise the stream's quota (Service Quotas, Amazon Data Firehose) or send fewer records: API Gateway logs every request, throttled ones too",
    );
  }
  if (invoked !== undefined && invoked < 1) return invocationsFailed(facts, invoked, evidence);
  if (!incoming) {
    const logging = (await facts.loggingStages()).length > 0;
    return check(
      'flow',
      'warn',
      `the stream received no records in the last ${since}`,
      evidence,
      logging
        ? 'a stage logs to the stream: send a request to its API; if nothing arrives, check the stage in the API Gateway console (Logs/Tracing)'
        : 'no stage logs to the stream: see the stages check',
    );
  }
  // The first records of a stream still in its two buffers (60 s each in the template): nothing
  // delivered yet is no failure. Freshness is the age of the oldest record not yet delivered.
  const stream = await facts.streamFacts();
  const buffered = stream ? bufferedSeconds(stream) : 900 + 900 + 60;
  if (!delivered && success === undefined && freshness !== undefined && freshness < buffered) {
    return check(
      'flow',
      'warn',
      "records came in and are not delivered yet: they wait in the stream's buffers",
      evidence,
      `run doctor again in a few minutes: npm run doctor -- --stream ${facts.options.stream}`,
    );
  }
  if (!delivered || (success !== undefined && success < 1)) {
    // Every record delivered in the end: the failed attempts were retried.
    const retried = delivered !== undefined && delivered >= incoming;
    return check(
      'flow',
      !delivered || !retried ? 'fail' : 'warn',
      !delivered
        ? 'records came in and none were delivered to OpenObserve'
        : retried
          ? 'some deliveries to OpenObserve failed and were retried; as many records were delivered as came in (failed-records lists any out of retries)'
          : 'some deliveries to OpenObserve failed',
      evidence,
      `see the Firehose error log group /aws/kinesisfirehose/${facts.options.stream}, then npm run doctor -- --stream ${facts.options.stream} --probe`,
    );
  }
  if (freshness !== undefined && freshness > 900) {
    return check(
      'flow',
      'warn',
      'delivery is falling behind: the oldest record waited over 15 minutes',
      evidence,
      'OpenObserve answers slowly or with 503; see the Firehose error log group',
    );
  }
  return check(
    'flow',
    'ok',
    `records flow: ${show(incoming)} in, ${show(delivered)} delivered in the last ${since}`,
    evidence,
  );
};
