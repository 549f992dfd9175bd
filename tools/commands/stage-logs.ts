/**
 * `npm run stage-logs`: points an existing REST API stage's access logs, or every stage of a
 * region's REST APIs, at a delivery stream with a given format (UpdateStage). API Gateway logs
 * only to streams named `amazon-apigateway-…`, and only REST APIs log to Firehose
 * (docs/contracts.md §2).
 */
import { awsClients } from '../aws/clients';
import {
  DEFAULT_EXECUTION_LOG_DAYS,
  EXECUTION_LEVELS,
  type ExecutionLevel,
  RETENTION_DAYS,
} from '../aws/execution-logs';
import { streamRegion } from '../aws/stream';
import { defineCommand } from '../cli/command';
import { UsageError } from '../cli/errors';
import { COMMON_OPTIONS } from '../cli/options';
import { planStatus, runPlan } from '../cli/plan';
import { planAllStages, planStageLogs } from '../stage-logs/plan';

export const command = defineCommand({
  spec: {
    name: 'stage-logs',
    summary:
      "Points a REST API stage's access logs (or every stage of the region's REST APIs) at the delivery stream.",
    options: {
      stream: {
        type: 'string',
        value: 'NAME|ARN',
        required: true,
        help: 'the delivery stream (its name starts with amazon-apigateway-)',
      },
      'rest-api-id': { type: 'string', value: 'ID', help: 'the REST API (with --stage)' },
      stage: { type: 'string', value: 'NAME', help: 'the stage (with --rest-api-id)' },
      'all-stages': { type: 'flag', help: 'every stage of every REST API in the region' },
      'take-over': {
        type: 'flag',
        help: 'with --all-stages: also move stages that log somewhere else',
      },
      format: {
        type: 'string',
        value: 'FORMAT',
        help: 'the access-log format (default: the recommended format)',
      },
      regions: {
        type: 'list',
        value: 'R1,R2',
        help: 'with --all-stages: each of these regions, to the stream of the same name there',
      },
      'execution-logs': {
        type: 'string',
        value: 'LEVEL',
        choices: EXECUTION_LEVELS,
        help: "also send the stages' execution logs to the stream (ERROR: failed requests, INFO: every step; OFF stops them); never request or response bodies",
      },
      'execution-log-days': {
        type: 'number',
        value: 'DAYS',
        min: 1,
        max: 3653,
        integer: true,
        help: `with --execution-logs: days the execution-log group API Gateway also writes keeps its lines, one of CloudWatch Logs' retentions (${RETENTION_DAYS.join(', ')}; a new group: ${DEFAULT_EXECUTION_LOG_DAYS}; an existing one is changed only when given)`,
      },
      ...COMMON_OPTIONS,
    },
    check(values) {
      streamRegion(values.stream, values.region);
      if (values['all-stages'] && (values['rest-api-id'] || values.stage)) {
        throw new UsageError('--all-stages takes no --rest-api-id or --stage');
      }
      if (!values['all-stages'] && !(values['rest-api-id'] && values.stage)) {
        throw new UsageError('give --rest-api-id and --stage, or --all-stages');
      }
      if ((values['take-over'] || values.regions) && !values['all-stages']) {
        throw new UsageError('--take-over and --regions go with --all-stages');
      }
      if (values.regions && values.region) {
        throw new UsageError('--region or --regions, not both');
      }
      if (values.regions && values.stream.startsWith('arn:')) {
        throw new UsageError('--regions takes the stream by name: an ARN names one region');
      }
      const days = values['execution-log-days'];
      if (days !== undefined) {
        if (!values['execution-logs'] || values['execution-logs'] === 'OFF') {
          throw new UsageError('--execution-log-days goes with --execution-logs ERROR or INFO');
        }
        if (!(RETENTION_DAYS as readonly number[]).includes(days)) {
          throw new UsageError(
            `--execution-log-days must be one of CloudWatch Logs' retentions: ${RETENTION_DAYS.join(', ')}`,
          );
        }
      }
    },
  },
  async run({ values }, io) {
    const plan = values['all-stages']
      ? await planAllStages(
          {
            stream: values.stream,
            format: values.format,
            takeOver: values['take-over'],
            executionLogs: values['execution-logs'] as ExecutionLevel | undefined,
            executionLogDays: values['execution-log-days'],
          },
          (region) => awsClients(region ?? streamRegion(values.stream, values.region)),
          values.regions ?? [undefined],
        )
      : await planStageLogs(
          {
            restApiId: values['rest-api-id'] as string,
            stage: values.stage as string,
            stream: values.stream,
            format: values.format,
            executionLogs: values['execution-logs'] as ExecutionLevel | undefined,
            executionLogDays: values['execution-log-days'],
          },
          awsClients(streamRegion(values.stream, values.region)),
        );
    const result = await runPlan(plan, io, { dryRun: values['dry-run'] });
    if (values.json) io.json({ stream: values.stream, ...result });
    return planStatus(result);
  },
});
