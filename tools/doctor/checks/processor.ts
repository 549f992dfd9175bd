/** processor: a Lambda processor is enabled and its function exists. */
import { notTheProcessor } from '../../aws/lambda';
import { check, couldNot } from '../check';
import type { DoctorCheck, Facts } from '../facts';

export const attachFix = (facts: Facts) =>
  `npm run attach -- --stream ${facts.options.stream} --function <ProcessorFunctionArn>`;

export const processorCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  if (!stream) return undefined;
  if (!stream.http?.ProcessingConfiguration?.Enabled || !stream.functionArn || !stream.http) {
    return check(
      'processor',
      'fail',
      'the stream transforms nothing: no Lambda processor is enabled',
      `ProcessingConfiguration.Enabled: ${stream.http?.ProcessingConfiguration?.Enabled ?? false}`,
      attachFix(facts),
    );
  }
  const fact = await facts.function();
  if (!fact.ok) return couldNot('processor', 'read the processor function', fact.error);
  const fn = fact.value;
  // This project's processor runs `handler.handler` on Node.js; the stack's other function (the
  // settings check, `settings-check.handler`) or another's would fail or drop every batch.
  const other = fn && notTheProcessor(fn);
  if (fn && other) {
    return check(
      'processor',
      'fail',
      `the processor ${fn.FunctionName} is not the access-log processor: ${other}`,
      stream.functionArn,
      attachFix(facts),
    );
  }
  // A function Lambda could not make ready (a KMS key disabled, a subnet gone) fails every
  // invocation without an error of its own in its metrics.
  if (fn?.State === 'Failed') {
    return check(
      'processor',
      'fail',
      `the processor ${fn.FunctionName} is in state Failed: Lambda cannot run it`,
      [stream.functionArn, `${fn.StateReasonCode ?? ''}: ${fn.StateReason ?? ''}`],
      `fix what the reason names, then update the function (sam deploy) so that Lambda makes it ready again`,
    );
  }
  return fn
    ? check(
        'processor',
        'ok',
        `the processor is ${fn.FunctionName} (${fn.Runtime})`,
        stream.functionArn,
      )
    : check(
        'processor',
        'fail',
        'the processor function does not exist',
        stream.functionArn,
        attachFix(facts),
      );
};
