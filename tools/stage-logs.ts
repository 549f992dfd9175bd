/**
 * Points an existing REST API stage's access logs, or every stage of a region's REST APIs, at a
 * delivery stream with a given format (UpdateStage patch operations). API Gateway logs only to
 * streams named `amazon-apigateway-…`, and only REST APIs log to Firehose (docs/contracts.md §2).
 */
import { parseArgs } from 'node:util';
import {
  type APIGatewayClient,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeDeliveryStreamCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { readConfig } from '../src/config';
import { ConfigError } from '../src/errors';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../src/formats/known';
import { awsClients, errorName } from './shared/aws';
import { type Command, UsageError } from './shared/command';
import { table } from './shared/output';
import { type Io, Refused, terminalIo } from './shared/prompt';

export interface StageLogsOptions {
  readonly restApiId: string;
  readonly stage: string;
  /** Delivery stream name or ARN. */
  readonly stream: string;
  /** The stage's new access-log format; the recommended format when not given. */
  readonly format?: string;
}

export interface StageLogsClients {
  readonly apiGateway: APIGatewayClient;
  readonly firehose: FirehoseClient;
}

const STREAM_PREFIX = 'amazon-apigateway-';

/** The format a stage will log with, checked by the processor's own rules (§2). */
function checkedFormat(format: string | undefined): string {
  const chosen = format ?? DEFAULT_FORMAT;
  try {
    readConfig({ LOG_FORMAT: chosen });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new Refused(error.message.replace('LOG_FORMAT', 'the format'));
    }
    throw error;
  }
  return chosen;
}

/** The delivery stream's ARN, warning when API Gateway will refuse its name. */
async function streamArnOf(firehose: FirehoseClient, stream: string, io: Io): Promise<string> {
  const streamName = stream.slice(stream.lastIndexOf('/') + 1);
  if (!streamName.startsWith(STREAM_PREFIX)) {
    io.log(
      `warning: ${streamName} does not start with ${STREAM_PREFIX}; API Gateway only logs to streams whose name does, and will refuse this one`,
    );
  }
  try {
    const described = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: streamName }),
    );
    return described.DeliveryStreamDescription?.DeliveryStreamARN as string;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new Refused(`no delivery stream named ${streamName} in this account and region`);
    }
    throw error;
  }
}

/** A stage's access logs to a destination with a format (UpdateStage). */
export function setAccessLogs(
  apiGateway: APIGatewayClient,
  restApiId: string,
  stageName: string,
  destinationArn: string,
  format: string,
) {
  return apiGateway.send(
    new UpdateStageCommand({
      restApiId,
      stageName,
      patchOperations: [
        { op: 'replace', path: '/accessLogSettings/destinationArn', value: destinationArn },
        { op: 'replace', path: '/accessLogSettings/format', value: format },
      ],
    }),
  );
}

export async function pointStageLogs(
  options: StageLogsOptions,
  clients: StageLogsClients,
  io: Io,
): Promise<{ changed: boolean }> {
  const format = checkedFormat(options.format);
  const streamArn = await streamArnOf(clients.firehose, options.stream, io);

  let current: { destinationArn?: string; format?: string } | undefined;
  try {
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId: options.restApiId, stageName: options.stage }),
    );
    current = stage.accessLogSettings;
  } catch (error) {
    if (errorName(error) === 'NotFoundException') {
      throw new Refused(
        `no stage ${options.stage} on REST API ${options.restApiId}; only REST APIs log to Firehose (an HTTP API's logs can reach the stream through a CloudWatch Logs subscription: template parameter SubscribeLogGroupName)`,
      );
    }
    throw error;
  }

  io.log(`REST API ${options.restApiId}, stage ${options.stage}: access logs`);
  io.log(`  destination: ${current?.destinationArn ?? 'none'}`);
  io.log(`           →  ${streamArn}`);
  io.log(`  format: ${current?.format ?? 'none'}`);
  io.log(`      →  ${format}`);
  if (current?.destinationArn === streamArn && current?.format === format) {
    io.log('Nothing to change.');
    return { changed: false };
  }
  if (current?.destinationArn?.startsWith('arn:aws:logs:')) {
    io.log(
      '  note: a stage logs to CloudWatch Logs or to Firehose, not both; CloudWatch Logs access logging stops',
    );
  }
  if (!(await io.confirm('Apply these changes?'))) {
    io.log('Nothing changed.');
    return { changed: false };
  }
  await setAccessLogs(clients.apiGateway, options.restApiId, options.stage, streamArn, format);
  io.log(`Stage ${options.stage} now logs to ${streamArn.slice(streamArn.lastIndexOf('/') + 1)}.`);
  if (format !== DEFAULT_FORMAT) {
    io.log(
      'The processor must read the same format: set its LOG_FORMAT (template parameter LogFormat) to it.',
    );
  }
  return { changed: true };
}

/** One REST API stage of the region and where its access logs go. */
export interface StageLogging {
  readonly restApiId: string;
  readonly apiName: string;
  readonly stage: string;
  readonly destinationArn?: string;
  readonly format?: string;
}

/** Every stage of every REST API in the region (HTTP APIs cannot log to Firehose, §2). */
export async function listStages(apiGateway: APIGatewayClient): Promise<StageLogging[]> {
  const stages: StageLogging[] = [];
  let position: string | undefined;
  do {
    const page = await apiGateway.send(new GetRestApisCommand({ limit: 500, position }));
    for (const api of page.items ?? []) {
      const { item } = await apiGateway.send(new GetStagesCommand({ restApiId: api.id }));
      for (const stage of item ?? []) {
        stages.push({
          restApiId: api.id as string,
          apiName: api.name ?? '',
          stage: stage.stageName as string,
          destinationArn: stage.accessLogSettings?.destinationArn,
          format: stage.accessLogSettings?.format,
        });
      }
    }
    position = page.position;
  } while (position);
  return stages;
}

/** A format by its name when it is one of the known ones: `default`, `clf`, …, else `custom`. */
export function formatName(format: string | undefined): string {
  if (!format) return 'none';
  const known = Object.entries(KNOWN_FORMATS).find(([, value]) => value === format);
  return known ? known[0] : 'custom';
}

/** Where a stage's access logs go, in words. */
export function destinationName(destinationArn: string | undefined, streamArn: string): string {
  if (!destinationArn) return 'nowhere';
  if (destinationArn === streamArn) return 'this stream';
  if (destinationArn.startsWith('arn:aws:logs:')) return 'CloudWatch Logs';
  return destinationArn.slice(destinationArn.lastIndexOf('/') + 1);
}

export interface EnrollOptions {
  readonly stream: string;
  readonly format?: string;
  /** Also move stages that log somewhere else. */
  readonly takeOver: boolean;
}

/**
 * Every REST stage of the region to the stream: the plan as a table, one confirmation, then each
 * stage changed and reported. Stages that log elsewhere stay unless `takeOver`.
 */
export async function enrollRegion(
  options: EnrollOptions,
  clients: StageLogsClients,
  io: Io,
): Promise<{ changed: number; failed: number }> {
  const format = checkedFormat(options.format);
  const streamArn = await streamArnOf(clients.firehose, options.stream, io);
  const stages = await listStages(clients.apiGateway);
  const plan = stages.map((stage) => {
    const here = stage.destinationArn === streamArn;
    const elsewhere = Boolean(stage.destinationArn) && !here;
    const change = !(here && stage.format === format) && (!elsewhere || options.takeOver);
    const becomes = change
      ? `this stream, ${formatName(format)}`
      : elsewhere
        ? 'left alone (--take-over moves it)'
        : 'unchanged';
    return { stage, change, becomes };
  });
  io.log(`REST API stages in this region, and their access logs → ${streamArn}`);
  for (const line of table(
    ['API', 'stage', 'logs to', 'format', 'becomes'],
    plan.map(({ stage, becomes }) => [
      `${stage.apiName} (${stage.restApiId})`,
      stage.stage,
      destinationName(stage.destinationArn, streamArn),
      formatName(stage.format),
      becomes,
    ]),
  )) {
    io.log(`  ${line}`);
  }
  const changes = plan.filter((entry) => entry.change);
  if (changes.length === 0) {
    io.log(stages.length ? 'Nothing to change.' : 'No REST API stages in this region.');
    return { changed: 0, failed: 0 };
  }
  if (!(await io.confirm(`Point ${changes.length} stage(s) at the stream?`))) {
    io.log('Nothing changed.');
    return { changed: 0, failed: 0 };
  }
  let failed = 0;
  for (const { stage } of changes) {
    try {
      await setAccessLogs(clients.apiGateway, stage.restApiId, stage.stage, streamArn, format);
      io.log(`✓ ${stage.apiName} (${stage.restApiId}) ${stage.stage}`);
    } catch (error) {
      failed++;
      io.log(`✗ ${stage.apiName} (${stage.restApiId}) ${stage.stage}: ${(error as Error).message}`);
    }
  }
  return { changed: changes.length - failed, failed };
}

export const command: Command = {
  usage:
    'usage: npm run stage-logs -- (--rest-api-id <id> --stage <name> | --all-stages [--take-over]) --stream <name|arn> [--format <string>] [--region r] [--yes]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'rest-api-id': { type: 'string' },
        stage: { type: 'string' },
        stream: { type: 'string' },
        format: { type: 'string' },
        region: { type: 'string' },
        'all-stages': { type: 'boolean', default: false },
        'take-over': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
      },
    });
    if (!values.stream) throw new UsageError('--stream is required');
    if (values['all-stages']) {
      if (values['rest-api-id'] || values.stage) {
        throw new UsageError('--all-stages takes no --rest-api-id or --stage');
      }
      const { failed } = await enrollRegion(
        { stream: values.stream, format: values.format, takeOver: values['take-over'] },
        awsClients(values.region),
        terminalIo(values.yes),
      );
      return failed ? 1 : 0;
    }
    if (!values['rest-api-id'] || !values.stage) {
      throw new UsageError('give --rest-api-id and --stage, or --all-stages');
    }
    await pointStageLogs(
      {
        restApiId: values['rest-api-id'],
        stage: values.stage,
        stream: values.stream,
        format: values.format,
      },
      awsClients(values.region),
      terminalIo(values.yes),
    );
    return 0;
  },
};
