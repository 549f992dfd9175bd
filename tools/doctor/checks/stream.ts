/** stream: the delivery stream exists and is ACTIVE. */
import { RefusedError } from '../../cli/errors';
import { check, couldNot } from '../check';
import type { DoctorCheck } from '../facts';

export const streamCheck: DoctorCheck = async (facts) => {
  const { stream: name, region } = facts.options;
  const fact = await facts.stream();
  // --stream's ARN names another account's stream than the one of its name here.
  if (!fact.ok && fact.error instanceof RefusedError) {
    return check(
      'stream',
      'fail',
      fact.error.message,
      `region ${region ?? 'from the environment'}`,
    );
  }
  // Without the stream, nothing the other checks need was read: a failure, never a warning that
  // leaves doctor's exit 0 (expired credentials, a denied call).
  if (!fact.ok) {
    return { ...couldNot('stream', 'describe the delivery stream', fact.error), status: 'fail' };
  }
  const stream = fact.value;
  if (!stream) {
    return check(
      'stream',
      'fail',
      `no delivery stream named ${name}`,
      `region ${region ?? 'from the environment'}`,
      'check --stream and --region, or deploy the stack: sam deploy --guided',
    );
  }
  return stream.status === 'ACTIVE'
    ? check('stream', 'ok', `delivery stream ${name} is ACTIVE`, stream.arn)
    : check(
        'stream',
        'fail',
        `delivery stream ${name} is ${stream.status}, not ACTIVE`,
        stream.arn,
        'wait for it to become ACTIVE, or see its status reason in the Firehose console',
      );
};
