/**
 * execution-logs: a stage that writes execution logs (logging level ERROR or INFO) and logs to
 * the stream has them delivered there too (docs/contracts.md §8), and the log group API Gateway
 * also writes them to does not keep them for ever; checked only when such a stage logs here.
 */
import { executionLogGroup, groupRetention, stageArn } from '../../aws/execution-logs';
import { stageLabel } from '../../aws/stages';
import { check, couldNot } from '../check';
import type { DoctorCheck } from '../facts';

export const executionLogsCheck: DoctorCheck = async (facts) => {
  const stream = await facts.streamFacts();
  const stages = (await facts.loggingStages()).filter(
    (stage) => stage.executionLevel && stage.executionLevel !== 'OFF',
  );
  if (!stream || stages.length === 0) return undefined;
  const evidence: string[] = [];
  const missing: string[] = [];
  const deliveries = await facts.deliveries();
  if (!deliveries.ok) {
    return couldNot('execution-logs', "read the stages' log deliveries", deliveries.error);
  }
  const forever: typeof stages = [];
  for (const stage of stages) {
    const arn = stageArn(stream.arn, stage.restApiId, stage.stage);
    const delivered = deliveries.value.delivers(arn, stream.arn);
    const group = executionLogGroup(stage.restApiId, stage.stage);
    // Only a group read as keeping its lines for ever is named: one not there yet, or unreadable, is not.
    const kept = await groupRetention(facts.clients.logs, group).catch(() => undefined);
    if (kept === 'forever') forever.push(stage);
    evidence.push(
      `${stageLabel(stage)}: ${stage.executionLevel}, ${delivered ? 'delivered to the stream' : 'not delivered to the stream'}${kept === 'forever' ? `; ${group} keeps its lines for ever` : ''}`,
    );
    if (!delivered) missing.push(stage.stage);
  }
  if (missing.length === 0 && forever.length === 0) {
    return check('execution-logs', 'ok', "the stages' execution logs reach the stream", evidence);
  }
  if (missing.length === 0) {
    const [first] = forever;
    return check(
      'execution-logs',
      'warn',
      "the stages' execution logs reach the stream, and a log group of them is kept and billed for ever",
      evidence,
      `npm run stage-logs -- --rest-api-id ${first?.restApiId} --stage ${first?.stage} --stream ${facts.options.stream} --execution-logs ${first?.executionLevel} --execution-log-days 30`,
    );
  }
  const [first] = stages.filter((stage) => missing.includes(stage.stage));
  const days = first && forever.includes(first) ? ' --execution-log-days 30' : '';
  return check(
    'execution-logs',
    'fail',
    'a stage writes execution logs that do not reach the stream',
    evidence,
    `npm run stage-logs -- --rest-api-id ${first?.restApiId} --stage ${first?.stage} --stream ${facts.options.stream} --execution-logs ${first?.executionLevel}${days}`,
  );
};
