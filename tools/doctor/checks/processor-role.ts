/** processor-role: the stream's role may invoke the processor (its own policies). */
import { roleInvokeVerdict } from '../../aws/iam';
import { check, couldNot } from '../check';
import type { DoctorCheck } from '../facts';
import { attachFix } from './processor';

export const processorRoleCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  const functionArn = stream?.http ? stream.functionArn : undefined;
  if (!stream || !functionArn) return undefined;
  if (!stream.roleArn) {
    return check(
      'processor-role',
      'fail',
      'the stream has no role to invoke the processor with',
      '',
      attachFix(facts),
    );
  }
  try {
    // The ARN Firehose invokes: for an alias, Lambda's own answer names its version instead.
    const verdict = await roleInvokeVerdict(facts.clients.iam, stream.roleArn, functionArn);
    if (verdict === 'unsure') {
      return check(
        'processor-role',
        'warn',
        "the stream's role may invoke the processor unless a Deny with a condition applies",
        `${stream.roleArn} allows lambda:InvokeFunction and lambda:GetFunctionConfiguration on ${functionArn}, and a Deny with a condition covers them: doctor does not judge conditions (its own policies; boundaries and SCPs not read)`,
        "check the Deny's condition against Firehose's requests; the flow check shows whether invocations fail",
      );
    }
    return verdict === 'allowed'
      ? check('processor-role', 'ok', "the stream's role may invoke the processor", stream.roleArn)
      : check(
          'processor-role',
          'fail',
          "the stream's role may not invoke the processor",
          `${stream.roleArn} lacks lambda:InvokeFunction or lambda:GetFunctionConfiguration on ${functionArn} (its own policies; boundaries and SCPs not read)`,
          // The command alone, so that it can be pasted: attach offers to add exactly that policy.
          `npm run attach -- --stream ${facts.options.stream} --function ${functionArn}`,
        );
  } catch (error) {
    return couldNot('processor-role', "read the stream role's policies", error);
  }
};
