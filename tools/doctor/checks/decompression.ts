/**
 * decompression: a stream with Firehose's own CloudWatch Logs decompression on takes CloudWatch
 * Logs subscriptions only; API Gateway's access logs and vended logs (a stage's execution-log
 * delivery) sent to it fail (docs/contracts.md §3.1). Checked only when it is on.
 */
import { stageLabel } from '../../aws/stages';
import { check, couldNot } from '../check';
import type { DoctorCheck } from '../facts';

export const decompressionCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream?.decompression) return undefined;
  const deliveries = await facts.deliveries();
  if (!deliveries.ok) {
    return couldNot('decompression', 'read the log deliveries to the stream', deliveries.error);
  }
  const failing = [
    ...(await facts.loggingStages()).map((stage) => `stage ${stageLabel(stage)}: access logs`),
    ...deliveries.value.sourcesTo(stream.arn).map((source) => `log delivery ${source}`),
  ];
  const on =
    'CloudWatch Logs decompression is on: the stream takes CloudWatch Logs subscriptions only';
  if (failing.length === 0) {
    return check('decompression', 'ok', on, 'nothing but subscriptions writes to the stream');
  }
  return check(
    'decompression',
    'fail',
    'CloudWatch Logs decompression is on, and sources that are not subscriptions write to the stream: their records fail',
    [on, ...failing.map((source) => `fails: ${source}`)],
    `npm run attach -- --stream ${facts.options.stream} --function ${stream.functionArn ?? '<function>'} --no-decompression (the processor inflates CloudWatch Logs records itself)`,
  );
};
