/** function-health: the processor ran without errors or throttles, and not close to its timeout. */
import type { Statistic } from '@aws-sdk/client-cloudwatch';
import { check, couldNot } from '../check';
import { type DoctorCheck, show } from '../facts';

export const functionHealthCheck: DoctorCheck = async (facts) => {
  const fn = await facts.processorFunction();
  if (!fn?.FunctionName) return undefined;
  const dimensions = [{ Name: 'FunctionName', Value: fn.FunctionName }];
  const lambdaMetric = (name: string, statistic: Statistic) =>
    facts.metric({ namespace: 'AWS/Lambda', name, dimensions, statistic });
  let errors: number | undefined;
  let throttles: number | undefined;
  let duration: number | undefined;
  try {
    errors = await lambdaMetric('Errors', 'Sum');
    throttles = await lambdaMetric('Throttles', 'Sum');
    duration = await lambdaMetric('Duration', 'Maximum');
  } catch (error) {
    return couldNot('function-health', "read the function's CloudWatch metrics", error);
  }
  const timeoutMs = (fn.Timeout ?? 3) * 1000;
  const evidence = `Errors ${show(errors)}, Throttles ${show(throttles)}, Duration max ${show(duration, 'ms')} of ${timeoutMs} ms (last ${facts.since})`;
  const logs = `see /aws/lambda/${fn.FunctionName} (or its LoggingConfig log group)`;
  if (errors === undefined && duration === undefined && !throttles) {
    // Lambda publishes nothing for a function that did not run: nothing to judge it by.
    return check(
      'function-health',
      'warn',
      `the processor did not run in the last ${facts.since}: no metrics to judge it by`,
      evidence,
      'see the flow check; rerun with a longer --since once records have come in',
    );
  }
  if (errors) {
    return check(
      'function-health',
      'fail',
      'the processor failed; Firehose retried, then sent the batches to S3',
      evidence,
      logs,
    );
  }
  if (throttles || (duration !== undefined && duration > 0.8 * timeoutMs)) {
    return check(
      'function-health',
      'warn',
      throttles ? 'the processor was throttled' : 'the processor runs close to its timeout',
      evidence,
      throttles ? "raise the function's reserved concurrency, or the account limit" : logs,
    );
  }
  return check('function-health', 'ok', 'the processor ran without errors or throttles', evidence);
};
