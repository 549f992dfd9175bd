/**
 * execution-logs: a stage that writes execution logs (logging level ERROR or INFO) and logs to
 * the stream has them delivered there too (docs/contracts.md §8), and the log group API Gateway
 * also writes them to does not keep them for ever; checked only when such a stage logs here.
 */

import {
  type CloudWatchLogsClient,
  DescribeSubscriptionFiltersCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { API_KEY_VARIABLE, DEFAULT_FORMAT, formatVariables } from '../../../src/surface';
import { errorName } from '../../aws/clients';
import {
  DEFAULT_EXECUTION_LOG_DAYS,
  executionLogGroup,
  groupRetention,
  stageArn,
  streamTaggedForDelivery,
} from '../../aws/execution-logs';
import { type StageLogging, stageLabel } from '../../aws/stages';
import { check, couldNot } from '../check';
import { type DoctorCheck, type Facts, shellWord } from '../facts';

const keepsFormat = (format: string | undefined) =>
  format !== undefined &&
  format !== DEFAULT_FORMAT &&
  !formatVariables(format).includes(API_KEY_VARIABLE);

/** Whether a stage writes execution logs for all its methods. */
const logsEveryMethod = (stage: StageLogging) =>
  stage.executionLevel !== undefined && stage.executionLevel !== 'OFF';

/**
 * The level a stage writes execution logs at: for all its methods, else the most any method with
 * settings of its own writes (INFO before ERROR); OFF when none does.
 */
function levelOf(stage: StageLogging): string {
  if (logsEveryMethod(stage)) return stage.executionLevel as string;
  const own = (stage.overrides ?? []).map((method) => method.level);
  return own.includes('INFO') ? 'INFO' : own.includes('ERROR') ? 'ERROR' : 'OFF';
}

/**
 * Whether a subscription filter of the log group sends it to the stream: false for a group not
 * there yet (API Gateway makes it on its first line); any other error is thrown (not known).
 */
async function subscribed(logs: CloudWatchLogsClient, group: string, streamArn: string) {
  try {
    const { subscriptionFilters } = await logs.send(
      new DescribeSubscriptionFiltersCommand({ logGroupName: group }),
    );
    return (subscriptionFilters ?? []).some((filter) => filter.destinationArn === streamArn);
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return false;
    throw error;
  }
}

/** How each stage's execution logs reach the stream, if they do; thrown when that is not known. */
async function routesOf(
  facts: Facts,
  streamArn: string,
  stages: readonly StageLogging[],
  deliveries: { delivers(source: string, stream: string): boolean },
) {
  const evidence: string[] = [];
  const missing: StageLogging[] = [];
  const forever: StageLogging[] = [];
  let byDelivery = 0;
  for (const stage of stages) {
    const arn = stageArn(streamArn, stage.restApiId, stage.stage);
    const group = executionLogGroup(stage.restApiId, stage.stage);
    // Delivered by CloudWatch Logs (what stage-logs sets), or by a subscription filter of the
    // group to the stream (the template's SubscribeLogGroupName): either reaches it.
    const vended = deliveries.delivers(arn, streamArn);
    if (vended) byDelivery++;
    const bySubscription = !vended && (await subscribed(facts.clients.logs, group, streamArn));
    const delivered = vended || bySubscription;
    // Only a group read as keeping its lines for ever is named: one not there yet, or unreadable, is not.
    const kept = await groupRetention(facts.clients.logs, group).catch(() => undefined);
    if (kept === 'forever') forever.push(stage);
    evidence.push(
      `${stageLabel(stage)}: ${levelOf(stage)}, ${bySubscription ? `delivered to the stream by a subscription filter of ${group}` : delivered ? 'delivered to the stream' : 'not delivered to the stream'}${kept === 'forever' ? `; ${group} keeps its lines for ever` : ''}`,
    );
    if (!delivered) missing.push(stage);
  }
  return { evidence, missing, forever, byDelivery };
}

export const executionLogsCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  const stages = (await facts.loggingStages()).filter((stage) => levelOf(stage) !== 'OFF');
  if (!stream || stages.length === 0) return undefined;
  const deliveries = await facts.deliveries();
  if (!deliveries.ok) {
    return couldNot('execution-logs', "read the stages' log deliveries", deliveries.error);
  }
  let routes: Awaited<ReturnType<typeof routesOf>>;
  try {
    routes = await routesOf(facts, stream.arn, stages, deliveries.value);
  } catch (error) {
    // Not known whether a group reaches the stream: no fix that could send its lines twice.
    return couldNot(
      'execution-logs',
      "read the subscription filters of the stages' log groups",
      error,
    );
  }
  const { evidence, missing, forever, byDelivery } = routes;
  // The stage-logs command that delivers a stage's execution logs, and bounds its group. It also
  // sets the stage's access-log format (the recommended one unless given): the stage's own is
  // given, so that following the fix changes nothing else; not one that logs the callers' API
  // keys, which stage-logs refuses (stage-format fails it: the recommended one replaces it).
  const fix = (stage: StageLogging) =>
    [
      // stage-logs sets every method of the stage: said first where only some logged.
      ...(logsEveryMethod(stage)
        ? []
        : [`this logs every method of the stage at ${levelOf(stage)}, not only those that did:`]),
      `npm run stage-logs -- --rest-api-id ${stage.restApiId} --stage ${stage.stage}`,
      `--stream ${facts.options.stream} --execution-logs ${levelOf(stage)}`,
      ...(forever.includes(stage) ? [`--execution-log-days ${DEFAULT_EXECUTION_LOG_DAYS}`] : []),
      ...(keepsFormat(stage.format) ? [`--format ${shellWord(stage.format as string)}`] : []),
    ].join(' ');
  // CloudWatch Logs delivers to a stream only while it has the tag stage-logs gives it.
  const tagged =
    byDelivery > 0
      ? await streamTaggedForDelivery(facts.clients.firehose, stream.arn).catch(() => undefined)
      : undefined;
  if (tagged === false) {
    evidence.push('the stream lacks the tag LogDeliveryEnabled=true (stage-logs adds it)');
    // A stage not delivered is the fix below, which tags the stream too.
    if (missing.length === 0) {
      return check(
        'execution-logs',
        'fail',
        'the stream lacks the tag LogDeliveryEnabled=true: CloudWatch Logs delivers the execution logs to no stream without it',
        evidence,
        fix(stages[0] as StageLogging),
      );
    }
  }
  if (missing.length === 0 && forever.length === 0) {
    return check('execution-logs', 'ok', "the stages' execution logs reach the stream", evidence);
  }
  if (missing.length === 0) {
    return check(
      'execution-logs',
      'warn',
      "the stages' execution logs reach the stream, and a log group of them is kept and billed for ever",
      evidence,
      fix(forever[0] as StageLogging),
    );
  }
  return check(
    'execution-logs',
    'fail',
    'a stage writes execution logs that do not reach the stream',
    evidence,
    fix(missing[0] as StageLogging),
  );
};
