/**
 * execution-logs: a stage that writes execution logs (logging level ERROR or INFO) and logs to
 * the stream has them delivered there too (docs/contracts.md §8); checked only when one does.
 */
import { stageArn } from '../../aws/execution-logs';
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
  for (const stage of stages) {
    const arn = stageArn(stream.arn, stage.restApiId, stage.stage);
    const delivered = deliveries.value.delivers(arn, stream.arn);
    evidence.push(
      `${stageLabel(stage)}: ${stage.executionLevel}, ${delivered ? 'delivered to the stream' : 'not delivered to the stream'}`,
    );
    if (!delivered) missing.push(stage.stage);
  }
  if (missing.length === 0) {
    return check('execution-logs', 'ok', "the stages' execution logs reach the stream", evidence);
  }
  const [first] = stages.filter((stage) => missing.includes(stage.stage));
  return check(
    'execution-logs',
    'fail',
    'a stage writes execution logs that do not reach the stream',
    evidence,
    `npm run stage-logs -- --rest-api-id ${first?.restApiId} --stage ${first?.stage} --stream ${facts.options.stream} --execution-logs ${first?.executionLevel}`,
  );
};
