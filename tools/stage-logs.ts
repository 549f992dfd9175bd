/**
 * Points an existing REST API stage's access logs at a delivery stream with a given format
 * (UpdateStage patch operations). API Gateway logs only to streams named `amazon-apigateway-…`,
 * and only REST APIs log to Firehose (CONTRACTS.md §2).
 */
import { parseArgs } from 'node:util';
import {
  type APIGatewayClient,
  GetStageCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeDeliveryStreamCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { ConfigError, readConfig } from '../src/config';
import { DEFAULT_FORMAT } from '../src/formats/known';
import { awsClients, errorName } from './shared/aws';
import { type Command, UsageError } from './shared/command';
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

export async function pointStageLogs(
  options: StageLogsOptions,
  clients: StageLogsClients,
  io: Io,
): Promise<{ changed: boolean }> {
  const format = options.format ?? DEFAULT_FORMAT;
  try {
    // The processor's own rules for LOG_FORMAT are API Gateway's for a format (§2).
    readConfig({ LOG_FORMAT: format });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Refused(error.message.replace('LOG_FORMAT', 'the format'));
    throw error;
  }
  const streamName = options.stream.slice(options.stream.lastIndexOf('/') + 1);
  if (!streamName.startsWith(STREAM_PREFIX)) {
    io.log(
      `warning: ${streamName} does not start with ${STREAM_PREFIX}; API Gateway only logs to streams whose name does, and will refuse this one`,
    );
  }
  let streamArn: string | undefined;
  try {
    const described = await clients.firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: streamName }),
    );
    streamArn = described.DeliveryStreamDescription?.DeliveryStreamARN;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new Refused(`no delivery stream named ${streamName} in this account and region`);
    }
    throw error;
  }

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
  await clients.apiGateway.send(
    new UpdateStageCommand({
      restApiId: options.restApiId,
      stageName: options.stage,
      patchOperations: [
        { op: 'replace', path: '/accessLogSettings/destinationArn', value: streamArn },
        { op: 'replace', path: '/accessLogSettings/format', value: format },
      ],
    }),
  );
  io.log(`Stage ${options.stage} now logs to ${streamName}.`);
  if (format !== DEFAULT_FORMAT) {
    io.log(
      'The processor must read the same format: set its LOG_FORMAT (template parameter LogFormat) to it.',
    );
  }
  return { changed: true };
}

export const command: Command = {
  usage:
    'usage: npm run stage-logs -- --rest-api-id <id> --stage <name> --stream <name|arn> [--format <string>] [--region r] [--yes]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'rest-api-id': { type: 'string' },
        stage: { type: 'string' },
        stream: { type: 'string' },
        format: { type: 'string' },
        region: { type: 'string' },
        yes: { type: 'boolean', default: false },
      },
    });
    if (!values['rest-api-id'] || !values.stage || !values.stream) {
      throw new UsageError('--rest-api-id, --stage and --stream are required');
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
