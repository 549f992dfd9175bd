/** stages: which REST API stages log to the stream. */

import { formatName } from '../../../src/surface';
import { destinationName } from '../../aws/stages';
import { check, couldNot } from '../check';
import { type DoctorCheck, enrollFix, type Facts, type StagesFact } from '../facts';

function oneStage(facts: Facts, fact: Extract<StagesFact, { mode: 'one' }>, streamArn: string) {
  const { stream, restApiId = '', stage = '' } = facts.options;
  if (!fact.stage) {
    return check(
      'stages',
      'fail',
      `no stage ${stage} on REST API ${restApiId}`,
      '',
      'check --rest-api-id and --stage (only REST APIs log to Firehose)',
    );
  }
  return fact.stage.destinationArn === streamArn && streamArn !== ''
    ? check(
        'stages',
        'ok',
        `stage ${stage} logs to ${stream}`,
        `${restApiId} ${stage} → ${streamArn}`,
      )
    : check(
        'stages',
        'fail',
        `stage ${stage} does not log to ${stream}`,
        `${restApiId} ${stage} logs to ${destinationName(fact.stage.destinationArn, streamArn)}`,
        enrollFix(stream, stage, restApiId),
      );
}

async function everyStage(
  facts: Facts,
  fact: Extract<StagesFact, { mode: 'all' }>,
  streamArn: string,
) {
  const { stream, allStages } = facts.options;
  const logging = await facts.loggingStages();
  const rows = (allStages ? fact.all : logging).map((stage) => {
    const where = destinationName(stage.destinationArn, streamArn);
    const enroll =
      stage.destinationArn === streamArn
        ? ''
        : `  (${enrollFix(stream, stage.stage, stage.restApiId)})`;
    return `${stage.apiName} (${stage.restApiId}) ${stage.stage} → ${where}, ${formatName(stage.format)}${enroll}`;
  });
  if (logging.length > 0) {
    return check(
      'stages',
      'ok',
      `${logging.length} of ${fact.all.length} REST API stage(s) log to ${stream}`,
      rows,
    );
  }
  return check(
    'stages',
    'fail',
    `no REST API stage logs to ${stream}`,
    rows.length ? rows : [`${fact.all.length} REST API stage(s) in this region`],
    allStages ? `npm run stage-logs -- --all-stages --stream ${stream}` : enrollFix(stream),
  );
}

export const stagesCheck: DoctorCheck = async (facts) => {
  const streamFact = await facts.stream();
  const stream = streamFact.ok ? streamFact.value : undefined;
  if (!stream) {
    const why = streamFact.ok
      ? 'there is no stream to log to'
      : 'the stream could not be described (below)';
    return check('stages', 'warn', `could not check the stages: ${why}`);
  }
  const fact = await facts.stages();
  if (!fact.ok) return couldNot('stages', 'list the REST API stages', fact.error);
  return fact.value.mode === 'one'
    ? oneStage(facts, fact.value, stream.arn)
    : everyStage(facts, fact.value, stream.arn);
};
