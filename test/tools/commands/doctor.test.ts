import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { APIGatewayClient, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient, UpdateDestinationCommand } from '@aws-sdk/client-firehose';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../../../src/formats/known';
import {
  deliverExecutionLogs,
  keepGroupFor,
  tagForDelivery,
} from '../../../tools/aws/execution-logs';
import { type Check, formatChecks } from '../../../tools/doctor/check';
import { doctor } from '../../../tools/doctor/doctor';
import type { DoctorClients } from '../../../tools/doctor/facts';
import { openObserveApi } from '../../../tools/openobserve/api';
import {
  allowInvoke,
  createFunction,
  createHttpStream,
  createRestApi,
  createRole,
  lambdaProcessing,
  setStageLogs,
} from '../../support/aws-fixtures';
import { type Moto, startMoto } from '../../support/moto';
import {
  describeWithOpenObserve,
  type RealOpenObserve,
  useOpenObserve,
} from '../../support/openobserve-server';
import { ACCESS_KEY as RECEIVER_KEY, startOtherHost, startReceiver } from '../../support/receiver';

const run = promisify(execFile);
const STREAM = 'amazon-apigateway-access-logs';
/** Where the stream delivers when a test does not probe: nothing is sent there. */
const OPENOBSERVE_URL = 'http://127.0.0.1:9/aws/default/api_gateway_access/_kinesis_firehose';
let moto: Moto;
let clients: DoctorClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = {
    apiGateway: new APIGatewayClient(moto.clientConfig),
    firehose: new FirehoseClient(moto.clientConfig),
    lambda: new LambdaClient(moto.clientConfig),
    iam: new IAMClient(moto.clientConfig),
    s3: new S3Client(moto.clientConfig),
    cloudWatch: new CloudWatchClient(moto.clientConfig),
    logs: new CloudWatchLogsClient(moto.clientConfig),
  };
}, 60_000);
afterAll(() => moto.stop());
beforeEach(() => moto.reset());

interface Setup {
  url?: string;
  processing?: boolean;
  grant?: boolean;
  bufferMB?: string;
  variables?: Record<string, string>;
  stageLogs?: boolean;
  stageFormat?: string;
  metrics?: Partial<Record<string, number>>;
  failedObject?: boolean;
  /** The backup's ErrorOutputPrefix; a failed object is then written under it. */
  errorOutputPrefix?: string;
  /** No backup in the stream, or one naming a bucket that does not exist. */
  backup?: false | 'missing';
  /** Firehose's own CloudWatch Logs decompression before the processor (docs/contracts.md §3.1). */
  decompression?: boolean;
  /** The stream invokes the function by this alias (of its first version), and may invoke only it. */
  alias?: string;
}

const HEALTHY_METRICS: Record<string, number> = {
  ThrottledRecords: 0,
  'ExecuteProcessing.Success': 1,
  'DeliveryToS3.Success': 1,
  IncomingRecords: 120,
  'DeliveryToHttpEndpoint.Records': 120,
  'DeliveryToHttpEndpoint.Success': 1,
  'DeliveryToHttpEndpoint.DataFreshness': 75,
  Errors: 0,
  Throttles: 0,
  Duration: 40,
  RecordsProcessingFailed: 0,
  UnparsedLines: 0,
};
const NAMESPACE: Record<string, [string, string, string]> = {
  ThrottledRecords: ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  'ExecuteProcessing.Success': ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  'DeliveryToS3.Success': ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  IncomingRecords: ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  'DeliveryToHttpEndpoint.Records': ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  'DeliveryToHttpEndpoint.Success': ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  'DeliveryToHttpEndpoint.DataFreshness': ['AWS/Firehose', 'DeliveryStreamName', STREAM],
  Errors: ['AWS/Lambda', 'FunctionName', 'processor'],
  Throttles: ['AWS/Lambda', 'FunctionName', 'processor'],
  Duration: ['AWS/Lambda', 'FunctionName', 'processor'],
  RecordsProcessingFailed: ['ApiGatewayAccessLogs', 'service', 'apigw-access-logs'],
  UnparsedLines: ['ApiGatewayAccessLogs', 'service', 'apigw-access-logs'],
};

/** The stack as deployed and working, with one thing changed as the test says. */
async function deploy(setup: Setup = {}) {
  const role = await createRole(clients.iam, 'delivery');
  let functionArn = await createFunction(clients, 'processor', {
    POWERTOOLS_METRICS_NAMESPACE: 'ApiGatewayAccessLogs',
    ...setup.variables,
  });
  if (setup.alias) {
    const { Version } = await clients.lambda.send(
      new PublishVersionCommand({ FunctionName: 'processor' }),
    );
    await clients.lambda.send(
      new CreateAliasCommand({
        FunctionName: 'processor',
        Name: setup.alias,
        FunctionVersion: Version as string,
      }),
    );
    functionArn = `${functionArn}:${setup.alias}`;
  }
  if (setup.grant !== false) await allowInvoke(clients.iam, role, functionArn);
  if (setup.backup !== 'missing') {
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'backup-bucket' }));
  }
  const streamArn = await createHttpStream(clients.firehose, STREAM, role, {
    url: setup.url ?? OPENOBSERVE_URL,
    bucket: setup.backup === false ? null : 'backup-bucket',
    errorOutputPrefix: setup.errorOutputPrefix,
    processing:
      setup.processing === false ? undefined : lambdaProcessing(functionArn, setup.bufferMB ?? '1'),
  });
  if (setup.decompression) {
    const processing = lambdaProcessing(functionArn, setup.bufferMB ?? '1');
    await clients.firehose.send(
      new UpdateDestinationCommand({
        DeliveryStreamName: STREAM,
        CurrentDeliveryStreamVersionId: '1',
        DestinationId: 'destinationId-000000000001',
        HttpEndpointDestinationUpdate: {
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: 'Decompression',
                Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }],
              },
              ...(processing.Processors ?? []),
            ],
          },
        },
      }),
    );
  }
  const restApiId = await createRestApi(clients.apiGateway, 'pets', ['prod', 'dev']);
  if (setup.stageLogs !== false) {
    await setStageLogs(
      clients.apiGateway,
      restApiId,
      'prod',
      streamArn,
      setup.stageFormat ?? DEFAULT_FORMAT,
    );
  }
  const metrics = { ...HEALTHY_METRICS, ...setup.metrics };
  for (const [name, value] of Object.entries(metrics)) {
    if (value === undefined) continue;
    const [namespace, dimension, dimensionValue] = NAMESPACE[name] as [string, string, string];
    await clients.cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [
          {
            MetricName: name,
            Dimensions: [{ Name: dimension, Value: dimensionValue }],
            Timestamp: new Date(Date.now() - 10 * 60_000),
            Value: value,
          },
        ],
      }),
    );
  }
  if (setup.failedObject) {
    const record = {
      attemptsMade: 4,
      arrivalTimestamp: Date.now() - 20 * 60_000,
      errorCode: 'Lambda.FunctionError',
      errorMessage: 'The Lambda function was successfully invoked but it returned an error result.',
      rawData: Buffer.from('RequestId: x').toString('base64'),
      lambdaArn: functionArn,
    };
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: 'backup-bucket',
        Key: `${setup.errorOutputPrefix?.replace('!{firehose:error-output-type}', 'processing-failed') ?? 'processing-failed/'}2026/11/25/06/amazon-apigateway-access-logs-1-2026-11-25-06-00-00-abc`,
        Body: gzipSync(`${JSON.stringify(record)}\n${JSON.stringify(record)}\n`),
      }),
    );
  }
  return { restApiId, functionArn };
}

const diagnose = (
  probe?: { accessKey: string; user?: RealOpenObserve },
  extra = {},
  /** Clients that answer otherwise than moto (refusing, or as AWS answers what moto does not). */
  overrides: Partial<DoctorClients> = {},
) =>
  doctor(
    {
      stream: STREAM,
      allStages: false,
      sinceMs: 3_600_000,
      now: Date.now(),
      sleep: async () => undefined,
      probe: probe
        ? {
            accessKey: probe.accessKey,
            user: probe.user && { user: probe.user.user, password: probe.user.password },
          }
        : undefined,
      ...extra,
    },
    { ...clients, ...overrides },
  );

/** A client whose `command` is refused with the error AWS gives (`name`, `message`). */
function refusing<T extends { middlewareStack: object }>(
  client: T,
  command: string,
  name: string,
  message: string,
) {
  (client.middlewareStack as unknown as MiddlewareAdder).add(
    (next, context) => async (args) => {
      if (context.commandName === command) throw Object.assign(new Error(message), { name });
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

/** A client whose answers carry these fields besides moto's. */
function answering<T extends { middlewareStack: object }>(client: T, fields: object) {
  (client.middlewareStack as unknown as MiddlewareAdder).add(
    (next) => async (args) => {
      const result = await next(args);
      Object.assign(result.output as object, fields);
      return result;
    },
    { step: 'initialize' },
  );
  return client;
}

/** The part of an SDK client's middleware stack these use. */
type MiddlewareAdder = {
  add(
    middleware: (
      next: (args: unknown) => Promise<{ output: unknown }>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<{ output: unknown }>,
    options: { step: 'initialize' },
  ): void;
};

/** The prod stage of the API writes execution logs at this level, for all its methods. */
const logExecution = (restApiId: string, level: 'ERROR' | 'INFO') =>
  clients.apiGateway.send(
    new UpdateStageCommand({
      restApiId,
      stageName: 'prod',
      patchOperations: [{ op: 'replace', path: '/*/*/logging/loglevel', value: level }],
    }),
  );

/** id → status, for comparing whole reports. */
const statuses = (checks: readonly Check[]) =>
  Object.fromEntries(checks.map((item) => [item.id, item.status]));
const byId = (checks: readonly Check[], id: string) =>
  checks.find((item) => item.id === id) as Check;

const ALL_OK = {
  stages: 'ok',
  'stage-format': 'ok',
  stream: 'ok',
  destination: 'ok',
  processor: 'ok',
  'processor-role': 'ok',
  'processor-buffer': 'ok',
  backup: 'ok',
  'function-settings': 'ok',
  flow: 'ok',
  'function-health': 'ok',
  'processor-metrics': 'ok',
  'failed-records': 'ok',
};
/**
 * What a broken part leaves nothing to check for: no stage that logs or no LOG_FORMAT the function
 * can start with leaves no format to compare; no backup bucket, no failed records to list.
 */
const NOT_RUN: Record<string, string> = {
  stages: 'stage-format',
  'function-settings': 'stage-format',
  backup: 'failed-records',
};

describe('doctor (against moto)', () => {
  it('finds a healthy setup all ok', async () => {
    await deploy();
    const checks = await diagnose();
    expect(statuses(checks)).toEqual(ALL_OK);
    expect(formatChecks(checks)[0]).toBe(
      '✓ stages: 1 of 2 REST API stage(s) log to amazon-apigateway-access-logs',
    );
  }, 30_000);

  it('passes a processor the stream invokes by an alias its role may invoke', async () => {
    // Lambda answers for an alias with the version it points to, which the role need not name.
    await deploy({ alias: 'live' });
    const checks = await diagnose();
    expect(byId(checks, 'processor-role')).toMatchObject({ status: 'ok' });
  }, 30_000);

  it('checks that a stage writing execution logs has them delivered to the stream', async () => {
    const { restApiId } = await deploy();
    await logExecution(restApiId, 'ERROR');
    const notDelivered = byId(await diagnose(), 'execution-logs');
    expect(notDelivered).toMatchObject({
      status: 'fail',
      evidence: `pets (${restApiId}) prod: ERROR, not delivered to the stream`,
      fix: `npm run stage-logs -- --rest-api-id ${restApiId} --stage prod --stream ${STREAM} --execution-logs ERROR`,
    });
    const streamArn = `arn:aws:firehose:us-east-1:123456789012:deliverystream/${STREAM}`;
    await deliverExecutionLogs(clients.logs, { restApiId, stage: 'prod' }, streamArn);
    // CloudWatch Logs delivers to no stream without the tag stage-logs gives it.
    expect(byId(await diagnose(), 'execution-logs')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^the stream lacks the tag LogDeliveryEnabled=true/),
      fix: `npm run stage-logs -- --rest-api-id ${restApiId} --stage prod --stream ${STREAM} --execution-logs ERROR`,
    });
    await tagForDelivery(clients.firehose, streamArn);
    const checks = await diagnose();
    expect(byId(checks, 'execution-logs')).toMatchObject({
      status: 'ok',
      evidence: `pets (${restApiId}) prod: ERROR, delivered to the stream`,
    });
    expect(checks.map((item) => item.id).slice(0, 3)).toEqual([
      'stages',
      'stage-format',
      'execution-logs',
    ]);
    // The group API Gateway creates keeps every line for ever: a bill with no end, named.
    const group = `API-Gateway-Execution-Logs_${restApiId}/prod`;
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    expect(byId(await diagnose(), 'execution-logs')).toMatchObject({
      status: 'warn',
      evidence: `pets (${restApiId}) prod: ERROR, delivered to the stream; ${group} keeps its lines for ever`,
      fix: `npm run stage-logs -- --rest-api-id ${restApiId} --stage prod --stream ${STREAM} --execution-logs ERROR --execution-log-days 30`,
    });
    await keepGroupFor(clients.logs, group, 30);
    expect(byId(await diagnose(), 'execution-logs').status).toBe('ok');
  }, 30_000);

  it("counts a stage's execution logs as reaching the stream by a subscription filter of their group", async () => {
    const { restApiId } = await deploy();
    await logExecution(restApiId, 'ERROR');
    // The template's SubscribeLogGroupName route: the group, kept 30 days, sent to the stream.
    const group = `API-Gateway-Execution-Logs_${restApiId}/prod`;
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await keepGroupFor(clients.logs, group, 30);
    await clients.logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: 'to-stream',
        filterPattern: '',
        destinationArn: `arn:aws:firehose:us-east-1:123456789012:deliverystream/${STREAM}`,
        roleArn: await createRole(clients.iam, 'subscription'),
      }),
    );
    expect(byId(await diagnose(), 'execution-logs')).toMatchObject({
      status: 'ok',
      evidence: `pets (${restApiId}) prod: ERROR, delivered to the stream by a subscription filter of ${group}`,
    });
    // Not allowed to read the filters: not known, and no fix that would send every line twice.
    const denied = refusing(
      new CloudWatchLogsClient(moto.clientConfig),
      'DescribeSubscriptionFiltersCommand',
      'AccessDeniedException',
      'not authorized',
    );
    const unknown = byId(await diagnose(undefined, {}, { logs: denied }), 'execution-logs');
    expect(unknown.status).toBe('warn');
    expect(unknown.fix ?? '').not.toContain('stage-logs');
  }, 30_000);

  it('fixes the stage that lacks delivery, of two of one name, keeping its own format', async () => {
    const { restApiId } = await deploy();
    const streamArn = `arn:aws:firehose:us-east-1:123456789012:deliverystream/${STREAM}`;
    // A second API with a stage also named prod, logging to the stream in a format of its own.
    const format = `{"requestId":"$context.requestId", "note":"it's $HOME", "status":"$context.status"}`;
    const otherApiId = await createRestApi(clients.apiGateway, 'orders', ['prod']);
    await setStageLogs(clients.apiGateway, otherApiId, 'prod', streamArn, format);
    for (const api of [restApiId, otherApiId]) {
      await clients.apiGateway.send(
        new UpdateStageCommand({
          restApiId: api,
          stageName: 'prod',
          patchOperations: [{ op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' }],
        }),
      );
    }
    // The first API's prod, first in the list, is delivered; the other's is not.
    await deliverExecutionLogs(clients.logs, { restApiId, stage: 'prod' }, streamArn);
    const { status, fix } = byId(await diagnose(), 'execution-logs');
    expect(status).toBe('fail');
    // The words a POSIX shell reads from the fix, as stage-logs would get them.
    const { stdout } = await run('sh', [
      '-c',
      (fix as string).replace('npm run stage-logs --', "printf '%s\\0'"),
    ]);
    expect(stdout.split('\0').slice(0, -1)).toEqual([
      '--rest-api-id',
      otherApiId,
      '--stage',
      'prod',
      '--stream',
      STREAM,
      '--execution-logs',
      'INFO',
      '--format',
      format,
    ]);
  }, 30_000);

  it('gives no --format in the execution-logs fix for a format that logs API keys: stage-logs refuses it', async () => {
    const format = `${DEFAULT_FORMAT}, Key: $context.identity.apiKey`;
    const { restApiId } = await deploy({ stageFormat: format });
    await logExecution(restApiId, 'ERROR');
    expect(byId(await diagnose(), 'execution-logs').fix).toBe(
      `npm run stage-logs -- --rest-api-id ${restApiId} --stage prod --stream ${STREAM} --execution-logs ERROR`,
    );
  }, 30_000);

  it('names the LOG_FORMAT variables API Gateway does not list, which the processor reads as strings', async () => {
    const format = `${DEFAULT_FORMAT}, Shiny: $context.someNewThing, Mode: $context.integration.responseTransferMode`;
    await deploy({ variables: { LOG_FORMAT: format }, stageFormat: format });
    const checks = await diagnose();
    expect(statuses(checks)).toEqual({ ...ALL_OK, 'function-settings': 'warn' });
    expect(byId(checks, 'function-settings')).toMatchObject({
      summary:
        "LOG_FORMAT names variables API Gateway's list does not; the processor reads them as strings",
      evidence: expect.stringMatching(
        /^\$context\.someNewThing \(closest known: \$context\.\w+; read into some_new_thing\)$/,
      ),
    });
  }, 30_000);

  it('fails a stream with CloudWatch Logs decompression on that stages and log deliveries write to (docs/contracts.md §3.1)', async () => {
    const { restApiId } = await deploy({ decompression: true });
    const streamArn = `arn:aws:firehose:us-east-1:123456789012:deliverystream/${STREAM}`;
    await deliverExecutionLogs(clients.logs, { restApiId, stage: 'dev' }, streamArn);
    const checks = await diagnose();
    expect(statuses(checks)).toEqual({ ...ALL_OK, decompression: 'fail' });
    const decompression = byId(checks, 'decompression');
    expect(decompression.evidence.split('\n')).toEqual([
      'CloudWatch Logs decompression is on: the stream takes CloudWatch Logs subscriptions only',
      `fails: stage pets (${restApiId}) prod: access logs`,
      `fails: log delivery apigw-${restApiId}-dev-execution`,
    ]);
    expect(decompression.fix).toMatch(
      /^npm run attach -- --stream amazon-apigateway-access-logs --function arn:aws:lambda:\S+ --no-decompression/,
    );
  }, 30_000);

  it('says what the events of a stage on a format recommended before lack', async () => {
    const { restApiId } = await deploy({ stageFormat: KNOWN_FORMATS.default_v2 });
    expect(byId(await diagnose(), 'stage-format').evidence.split('\n')).toContain(
      `pets (${restApiId}) prod: writes a format recommended before (default_v2); it keeps working, but its events lack integration_response_transfer_mode, integration_time_to_first_content, integration_time_to_all_headers: move it (fix below)`,
    );
  }, 30_000);

  /** Each case breaks one thing; exactly that check turns ✗ (or !), with its fix. */
  const broken: [string, Setup, string, Check['status'], RegExp][] = [
    [
      'no stage logs to the stream',
      { stageLogs: false },
      'stages',
      'fail',
      /^npm run stage-logs -- --rest-api-id <rest-api-id> --stage <stage> --stream amazon-apigateway-access-logs$/,
    ],
    [
      'the stage writes another format',
      { stageFormat: KNOWN_FORMATS.clf },
      'stage-format',
      'warn',
      /LogFormat.* npm run stage-logs -- --rest-api-id \w+ --stage prod --stream amazon-apigateway-access-logs$/,
    ],
    [
      'the stage still writes the first recommended format',
      { stageFormat: KNOWN_FORMATS.default_v1 },
      'stage-format',
      'warn',
      /^npm run stage-logs -- --rest-api-id \w+ --stage prod --stream amazon-apigateway-access-logs$/,
    ],
    [
      "the stage logs its callers' API keys",
      {
        stageFormat:
          'RequestId: $context.requestId, ApiKey: $context.identity.apiKey, StatusCode: $context.status',
      },
      'stage-format',
      'fail',
      /^npm run stage-logs -- --rest-api-id \w+ --stage prod --stream amazon-apigateway-access-logs$/,
    ],
    [
      'the stage still writes the format recommended before response streaming',
      { stageFormat: KNOWN_FORMATS.default_v2 },
      'stage-format',
      'warn',
      /^npm run stage-logs -- --rest-api-id \w+ --stage prod --stream amazon-apigateway-access-logs$/,
    ],
    [
      'the endpoint is not OpenObserve',
      { url: 'https://logs.example.com/ingest' },
      'destination',
      'fail',
      /_kinesis_firehose/,
    ],
    [
      "the endpoint's path has an empty part, which OpenObserve answers with 401",
      { url: 'https://logs.example.com//aws/default/api_gateway_access/_kinesis_firehose' },
      'destination',
      'fail',
      /^set the endpoint to https:\/\/<openobserve>\/aws\/<org>\/<stream>\/_kinesis_firehose/,
    ],
    [
      'the endpoint names a port Firehose does not send to',
      { url: 'https://logs.example.com:5080/aws/default/api_gateway_access/_kinesis_firehose' },
      'destination',
      'fail',
      /^set the endpoint to https:\/\/<openobserve>/,
    ],
    [
      'the role may not invoke the function',
      { grant: false },
      'processor-role',
      'fail',
      /^npm run attach -- --stream amazon-apigateway-access-logs --function arn:aws:lambda:/,
    ],
    ['the stream keeps no backup', { backup: false }, 'backup', 'fail', /S3/],
    [
      "the stream's backup bucket does not exist",
      { backup: 'missing' },
      'backup',
      'fail',
      /^create the bucket backup-bucket/,
    ],
    [
      'the processor buffer is 3 MB',
      { bufferMB: '3' },
      'processor-buffer',
      'warn',
      /--buffer-size 1$/,
    ],
    [
      "the hash key's secret is in another region than the function",
      {
        variables: {
          SOURCE_IP: 'hash',
          SOURCE_IP_HASH_KEY_SECRET_ARN:
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:hash-key-AbCdEf',
        },
      },
      'function-settings',
      'fail',
      /deploy again/,
    ],
    [
      'LOG_FORMAT lacks $context.requestId',
      { variables: { LOG_FORMAT: '$context.status' } },
      'function-settings',
      'fail',
      /deploy again/,
    ],
    [
      'records came in and none were delivered',
      { metrics: { 'DeliveryToHttpEndpoint.Records': 0, 'DeliveryToHttpEndpoint.Success': 0 } },
      'flow',
      'fail',
      /\/aws\/kinesisfirehose\/amazon-apigateway-access-logs/,
    ],
    [
      // Every invocation throttled: Lambda publishes Throttles only, no Errors or Duration.
      'the function was only throttled',
      { metrics: { Errors: undefined, Duration: undefined, Throttles: 4 } },
      'function-health',
      'warn',
      /reserved concurrency/,
    ],
    [
      'the function failed',
      { metrics: { Errors: 3 } },
      'function-health',
      'fail',
      /\/aws\/lambda\/processor/,
    ],
    [
      'lines matched no format',
      { metrics: { UnparsedLines: 7 } },
      'processor-metrics',
      'warn',
      /LOG_FORMAT/,
    ],
    [
      'failed records wait in S3',
      { failedObject: true },
      'failed-records',
      'fail',
      /^once the cause is fixed: npm run replay -- s3:\/\/backup-bucket\/processing-failed\/ --endpoint http:\/\/127\.0\.0\.1:\d+\/aws\/default\/api_gateway_access\/_kinesis_firehose --function \S+$/,
    ],
    [
      "failed records wait under the backup's own error prefix",
      { failedObject: true, errorOutputPrefix: 'api-logs/errors/!{firehose:error-output-type}/' },
      'failed-records',
      'fail',
      // Only the failed records' prefixes: an AllData backup's delivered records are there too.
      /^once the cause is fixed: npm run replay -- s3:\/\/backup-bucket\/api-logs\/errors\/processing-failed --endpoint /,
    ],
    [
      'a delivery failed and was retried, every record delivered',
      { metrics: { 'DeliveryToHttpEndpoint.Success': 0.95 } },
      'flow',
      'warn',
      /\/aws\/kinesisfirehose\/amazon-apigateway-access-logs/,
    ],
    [
      'the stream refused records over its quota (lost, in no backup)',
      { metrics: { ThrottledRecords: 5000 } },
      'flow',
      'fail',
      /^raise the stream's quota/,
    ],
    [
      'Firehose could not invoke the processor at all',
      { metrics: { 'ExecuteProcessing.Success': 0 } },
      'flow',
      'fail',
      /^see the processor-role check/,
    ],
    [
      'some invocations of the processor failed and were retried',
      { metrics: { 'ExecuteProcessing.Success': 0.99 } },
      'flow',
      'warn',
      /^see the processor-role check/,
    ],
    [
      "the first records are still in the stream's buffers, none delivered yet",
      {
        metrics: {
          IncomingRecords: 3,
          'DeliveryToHttpEndpoint.Records': undefined,
          'DeliveryToHttpEndpoint.Success': undefined,
          'DeliveryToHttpEndpoint.DataFreshness': 40,
        },
      },
      'flow',
      'warn',
      /^run doctor again in a few minutes/,
    ],
    [
      "records waited longer than the stream's buffers (60 s and 60 s) and none were delivered",
      {
        metrics: {
          IncomingRecords: 3,
          'DeliveryToHttpEndpoint.Records': undefined,
          'DeliveryToHttpEndpoint.Success': undefined,
          'DeliveryToHttpEndpoint.DataFreshness': 600,
        },
      },
      'flow',
      'fail',
      /\/aws\/kinesisfirehose\/amazon-apigateway-access-logs/,
    ],
  ];

  it("warns, and does not fail, when a Deny with a condition covers the role's grant (a region guard)", async () => {
    await deploy();
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'delivery',
        PolicyName: 'region-guard',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Action: '*',
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
            },
          ],
        }),
      }),
    );
    const role = byId(await diagnose(), 'processor-role');
    expect(role).toMatchObject({
      status: 'warn',
      summary: "the stream's role may invoke the processor unless a Deny with a condition applies",
    });
  }, 30_000);

  it("fails a processor that is not the access-log processor: the stack's settings check attached by mistake", async () => {
    await deploy();
    await clients.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'processor',
        Handler: 'settings-check.handler',
      }),
    );
    expect(byId(await diagnose(), 'processor')).toMatchObject({
      status: 'fail',
      summary:
        'the processor processor is not the access-log processor: it runs settings-check.handler on nodejs24.x, not handler.handler on Node.js',
      fix: `npm run attach -- --stream ${STREAM} --function <ProcessorFunctionArn>`,
    });
  }, 30_000);

  it('fails a processor Lambda cannot run (state Failed), naming the reason', async () => {
    await deploy();
    // moto's functions are always Active: Lambda's answer as it gives it for a disabled key.
    const lambda = answering(new LambdaClient(moto.clientConfig), {
      State: 'Failed',
      StateReasonCode: 'KMSKeyAccessDenied',
      StateReason: 'Lambda was unable to decrypt the environment variables.',
    });
    const checks = await diagnose(undefined, {}, { lambda });
    expect(byId(checks, 'processor')).toMatchObject({
      status: 'fail',
      summary: 'the processor processor is in state Failed: Lambda cannot run it',
      evidence: expect.stringContaining(
        'KMSKeyAccessDenied: Lambda was unable to decrypt the environment variables.',
      ),
    });
  }, 30_000);

  it("blames the function, not its role, when Firehose's invocations failed because it threw", async () => {
    await deploy({ metrics: { 'ExecuteProcessing.Success': 0, Errors: 5 } });
    const checks = await diagnose();
    expect(byId(checks, 'processor-role').status).toBe('ok');
    expect(byId(checks, 'function-health').status).toBe('fail');
    expect(byId(checks, 'flow')).toMatchObject({
      status: 'fail',
      summary:
        "the processor's invocations failed (it threw 5 time(s)): every batch goes to the backup as failed",
      fix: "see the function-health check and the function's log group /aws/lambda/processor",
    });
    // The template's function logs to a group of the stack's (LoggingConfig): that one is named.
    const lambda = answering(new LambdaClient(moto.clientConfig), {
      LoggingConfig: { LogGroup: 'stack-ProcessorLogGroup-AbC123' },
    });
    const named = await diagnose(undefined, {}, { lambda });
    expect(byId(named, 'flow').fix).toBe(
      "see the function-health check and the function's log group stack-ProcessorLogGroup-AbC123",
    );
  }, 30_000);

  it('fails for failed records it may list but not read (no s3:GetObject, or no kms:Decrypt), saying so', async () => {
    await deploy({ failedObject: true });
    const listOnly = refusing(
      new S3Client(moto.clientConfig),
      'GetObjectCommand',
      'AccessDenied',
      'Access Denied',
    );
    const checks = await diagnose(undefined, {}, { s3: listOnly });
    const failed = byId(checks, 'failed-records');
    expect(failed.status).toBe('fail');
    expect(failed.summary).toMatch(/^1 object\(s\) of failed records/);
    expect(failed.evidence).toContain(
      'errorCode not read: AccessDenied on GetObject (Access Denied)',
    );
  }, 30_000);

  it('lists only failed records when a time comes before the error type in the prefix, and replays only them', async () => {
    await deploy({
      failedObject: true,
      errorOutputPrefix: '!{timestamp:yyyy}/!{firehose:error-output-type}/',
    });
    // An AllData backup's delivered records, in the same bucket.
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: 'backup-bucket',
        Key: '2026/11/25/06/delivered-1',
        Body: gzipSync('{"delivered":true}\n'),
      }),
    );
    const failed = byId(await diagnose(), 'failed-records');
    expect(failed.summary).toMatch(/^1 object\(s\) of failed records/);
    expect(failed.fix).toMatch(
      /npm run replay -- s3:\/\/backup-bucket\/!\{timestamp:yyyy\}\/processing-failed\/ --endpoint /,
    );
  }, 30_000);

  it('finds failed records under a Hive-style prefix (type=!{firehose:error-output-type}) after a time', async () => {
    await deploy({
      failedObject: true,
      errorOutputPrefix: 'errors/year=!{timestamp:yyyy}/type=!{firehose:error-output-type}/',
    });
    const failed = byId(await diagnose(), 'failed-records');
    expect(failed.summary).toMatch(/^1 object\(s\) of failed records/);
    expect(failed.fix).toMatch(
      /npm run replay -- s3:\/\/backup-bucket\/errors\/year=!\{timestamp:yyyy\}\/type=processing-failed\/ --endpoint /,
    );
  }, 30_000);

  it.each([
    [0, 'fail', /^every write to the backup bucket backup-bucket failed/],
    [0.98, 'warn', /^some writes to the backup bucket backup-bucket failed \(Firehose retries/],
  ])(
    'reads writes to the backup bucket: DeliveryToS3.Success %s is %s, and failed records are still listed',
    async (success, status, summary) => {
      await deploy({ failedObject: true, metrics: { 'DeliveryToS3.Success': success } });
      const checks = await diagnose();
      expect(byId(checks, 'backup')).toMatchObject({
        status,
        summary: expect.stringMatching(summary),
        fix: expect.stringMatching(/bucket's policy, or its KMS key/),
      });
      // What is in the bucket is still listed, with its replay.
      expect(byId(checks, 'failed-records')).toMatchObject({ status: 'fail' });
    },
    30_000,
  );

  it.each(broken.map(([name, setup, id, status, fix]) => [name, id, status, fix, setup] as const))(
    '%s: only %s is %s, with its fix',
    async (_name, id, status, fix, setup) => {
      await deploy(setup);
      const checks = await diagnose();
      expect(statuses(checks)).toEqual({
        ...ALL_OK,
        [id]: status,
        ...(NOT_RUN[id] ? { [NOT_RUN[id] as string]: undefined } : {}),
      });
      expect(byId(checks, id).fix).toMatch(fix);
    },
    30_000,
  );

  it('names the stream that does not exist, and checks nothing that needs it', async () => {
    const checks = await diagnose(undefined, { stream: 'amazon-apigateway-none' });
    expect(statuses(checks)).toEqual({ stream: 'fail', stages: 'warn' });
    expect(byId(checks, 'stream').fix).toContain('sam deploy');
    expect(byId(checks, 'stages').summary).toBe(
      'could not check the stages: there is no stream to log to',
    );
  });

  it("refuses to check a stream of another account than its ARN's, found by the same name", async () => {
    await deploy();
    const other = `arn:aws:firehose:us-east-1:999999999999:deliverystream/${STREAM}`;
    const checks = await diagnose(undefined, { given: other });
    expect(byId(checks, 'stream')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(
        `--stream ${other} is not arn:aws:firehose:us-east-1:123456789012:`,
      ),
    });
  });

  it('fails when AWS refuses to describe the stream: nothing else could be checked', async () => {
    await deploy();
    const refusing = new FirehoseClient(moto.clientConfig);
    refusing.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('The security token included in the request is expired'), {
          name: 'ExpiredTokenException',
        });
      },
      { step: 'initialize' },
    );
    const checks = await doctor(
      { stream: STREAM, allStages: false, sinceMs: 3_600_000, now: Date.now() },
      { ...clients, firehose: refusing },
    );
    expect(byId(checks, 'stream')).toMatchObject({
      status: 'fail',
      summary: 'could not describe the delivery stream',
    });
  });

  it('gives its fixes the region it looked at, so that they run there as printed', async () => {
    await deploy({ bufferMB: '3' });
    const checks = await diagnose(undefined, { region: 'us-east-1' });
    expect(byId(checks, 'processor-buffer').fix).toMatch(
      /^npm run attach -- --region us-east-1 --stream amazon-apigateway-access-logs /,
    );
  });

  it('checks the execution logs of a stage that writes them for one method only', async () => {
    const { restApiId } = await deploy();
    await clients.apiGateway.send(
      new UpdateStageCommand({
        restApiId,
        stageName: 'prod',
        patchOperations: [{ op: 'replace', path: '/~1/GET/logging/loglevel', value: 'INFO' }],
      }),
    );
    expect(byId(await diagnose(), 'execution-logs')).toMatchObject({
      status: 'fail',
      evidence: `pets (${restApiId}) prod: INFO, not delivered to the stream`,
      fix: `this logs every method of the stage at INFO, not only those that did: npm run stage-logs -- --rest-api-id ${restApiId} --stage prod --stream ${STREAM} --execution-logs INFO`,
    });
  });

  it('names a stream that transforms nothing', async () => {
    await deploy({ processing: false });
    const checks = await diagnose();
    expect(byId(checks, 'processor')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^npm run attach/),
    });
    expect(Object.values(statuses(checks)).filter((status) => status !== 'ok')).toEqual(['fail']);
  });

  it('says when metrics are missing instead of calling the flow healthy', async () => {
    await deploy({
      metrics: Object.fromEntries(Object.keys(HEALTHY_METRICS).map((name) => [name, undefined])),
    });
    const checks = await diagnose();
    const flow = byId(checks, 'flow');
    expect(flow.status).toBe('warn');
    expect(flow.evidence).toContain('IncomingRecords no data');
    expect(flow.evidence).toContain('.DataFreshness max no data (last');
    // No metric is no evidence of health either.
    expect(byId(checks, 'function-health')).toMatchObject({
      status: 'warn',
      summary: 'the processor did not run in the last 60 min: no metrics to judge it by',
    });
    expect(byId(checks, 'function-health').evidence).toContain('Duration max no data of');
    expect(byId(checks, 'processor-metrics')).toMatchObject({
      status: 'warn',
      summary: 'the processor published no metrics in the last 60 min: nothing to judge it by',
    });
  });

  it('names an endpoint that redirects, without following it with the key', async () => {
    const receiver = await startReceiver();
    const other = await startOtherHost();
    try {
      receiver.script({ redirect: other.url });
      await deploy({ url: receiver.url.replace('http://', 'http://user:secret@') });
      const probe = byId(await diagnose({ accessKey: RECEIVER_KEY }), 'openobserve');
      expect(probe).toMatchObject({
        status: 'fail',
        summary: "the endpoint does not answer as OpenObserve's Firehose endpoint",
        evidence: `${receiver.url} answered HTTP 302, a redirect to ${other.url}; it is not followed (the access key would go along, and the events would not): use the URL OpenObserve answers at`,
      });
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
      await receiver.close();
    }
  }, 30_000);

  it('lists every stage of the region with --all-stages, and how to enroll the others', async () => {
    const { restApiId } = await deploy();
    const stages = byId(await diagnose(undefined, { allStages: true }), 'stages');
    expect(stages.status).toBe('ok');
    expect(stages.evidence.split('\n')).toEqual([
      `pets (${restApiId}) prod → this stream, default`,
      `pets (${restApiId}) dev → nowhere, none  (npm run stage-logs -- --rest-api-id ${restApiId} --stage dev --stream ${STREAM})`,
    ]);
  });

  it('checks one stage with --rest-api-id and --stage', async () => {
    const { restApiId } = await deploy();
    const dev = byId(await diagnose(undefined, { restApiId, stage: 'dev' }), 'stages');
    expect(dev).toMatchObject({
      status: 'fail',
      fix: `npm run stage-logs -- --rest-api-id ${restApiId} --stage dev --stream ${STREAM}`,
    });
  });
});

describeWithOpenObserve('doctor --probe, on a real OpenObserve', () => {
  const server = useOpenObserve();

  it('finds the probe in the stream, and says how old the newest other event is', async () => {
    const url = server().firehoseUrl('api_gateway_access');
    await deploy({ url });
    const threeMinutesAgo = (Date.now() - 3 * 60_000) * 1000;
    await server().send('api_gateway_access', [
      `{\t"_timestamp":${threeMinutesAgo},"request_id":"r-1","log_format":"default","status":200}`,
    ]);
    const checks = await diagnose({ accessKey: server().accessKey, user: server() });
    expect(statuses(checks)).toEqual({ ...ALL_OK, openobserve: 'ok' });
    const probe = byId(checks, 'openobserve');
    expect(probe.summary).toMatch(
      /^OpenObserve received the probe; the newest event is [34] min old$/,
    );
    expect(probe.evidence).toContain('found in api_gateway_access');
    // The key it was sent with is the one given, not the stream's: said, not implied.
    expect(probe.evidence).toContain("sent with OPENOBSERVE_ACCESS_KEY, not the stream's own key");
    const [found] = await server().search(
      `SELECT message FROM "api_gateway_access" WHERE log_format = 'doctor_probe'`,
      (Date.now() - 3_600_000) * 1000,
      (Date.now() + 60_000) * 1000,
    );
    expect(found?.message).toBe('npm run doctor: delivery probe');
  }, 30_000);

  it('names the credentials when the search for the probe is refused (401)', async () => {
    await deploy({ url: server().firehoseUrl('api_gateway_access') });
    const probe = byId(
      await diagnose({
        accessKey: server().accessKey,
        // Only its user and password are read.
        user: { user: server().user, password: 'not-the-password' } as unknown as RealOpenObserve,
      }),
      'openobserve',
    );
    expect(probe).toMatchObject({
      status: 'warn',
      summary: 'the probe was accepted, but searching OpenObserve failed',
      fix: 'check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD',
    });
  }, 30_000);

  it('names a wrong access key (401)', async () => {
    await deploy({ url: server().firehoseUrl('api_gateway_access') });
    const wrongKey = byId(await diagnose({ accessKey: 'bm9wZTpub3Bl' }), 'openobserve');
    expect(wrongKey).toMatchObject({
      status: 'fail',
      summary: 'OpenObserve refused the access key',
    });
  }, 30_000);

  it("finds the probe on a stream whose searches are cut to an hour, and says the newest event's age is not known", async () => {
    const url = server().firehoseUrl('limited_stream');
    await deploy({ url });
    await server().send('limited_stream', [
      `{\t"_timestamp":${Date.now() * 1000},"request_id":"r-2","log_format":"default"}`,
    ]);
    const api = openObserveApi(new URL(server().url), {
      user: server().user,
      password: server().password,
    });
    for (let tries = 0; tries < 50; tries++) {
      try {
        await api.request('PUT', '/api/default/streams/limited_stream/settings?type=logs', {
          max_query_range: 1,
        });
        break;
      } catch {
        await new Promise((wait) => setTimeout(wait, 200));
      }
    }
    // --since 2h: more than the stream lets a search cover.
    const checks = await diagnose(
      { accessKey: server().accessKey, user: server() },
      { sinceMs: 2 * 3_600_000 },
    );
    expect(byId(checks, 'openobserve')).toMatchObject({
      status: 'ok',
      summary: expect.stringMatching(
        /^OpenObserve received the probe; the newest event: not read \(OpenObserve searched only part of the range/,
      ),
    });
  }, 30_000);
});

describeWithOpenObserve(
  'doctor --probe, on an OpenObserve that keeps capitals in stream names',
  () => {
    const server = useOpenObserve({ keepsStreamCapitals: true });

    it('finds the probe under the name this server keeps', async () => {
      await deploy({ url: server().firehoseUrl('API-Gateway-Prod') });
      const checks = await diagnose({ accessKey: server().accessKey, user: server() });
      const probe = byId(checks, 'openobserve');
      expect(probe).toMatchObject({ status: 'ok' });
      expect(probe.evidence).toContain('found in API_Gateway_Prod');
    }, 30_000);
  },
);

describeWithOpenObserve(
  'doctor --probe, on an OpenObserve served under a path (ZO_BASE_URI)',
  () => {
    const server = useOpenObserve({ basePath: '/openobserve' });

    it('searches for the probe under that path too', async () => {
      await deploy({ url: server().firehoseUrl('api_gateway_access') });
      const checks = await diagnose({ accessKey: server().accessKey, user: server() });
      const probe = byId(checks, 'openobserve');
      expect(probe).toMatchObject({ status: 'ok' });
      expect(probe.evidence).toContain('found in api_gateway_access');
    }, 30_000);
  },
);

describe('npm run doctor', () => {
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', resolve('tools/run.ts'), 'doctor', ...args], {
      env: { PATH: process.env.PATH ?? '', ...moto.env },
    }).then(
      (done) => ({ code: 0, ...done }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('prints only JSON with --json, and exits 1 when a check fails', async () => {
    await deploy({ grant: false });
    const result = await cli(['--stream', STREAM, '--json']);
    expect(result.code).toBe(1);
    const checks = JSON.parse(result.stdout) as Check[];
    expect(byId(checks, 'processor-role')).toEqual({
      id: 'processor-role',
      status: 'fail',
      summary: "the stream's role may not invoke the processor",
      evidence: expect.any(String),
      fix: expect.stringMatching(/^npm run attach/),
    });
  }, 30_000);

  it('fails, and says what to set, when AWS cannot be asked: no region, no credentials', async () => {
    // Nothing of this machine's AWS setup: no region, no profile, no instance metadata.
    const bare = {
      PATH: process.env.PATH ?? '',
      HOME: resolve('test/support'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: resolve('test/support/no-such-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: resolve('test/support/no-such-aws-credentials'),
    };
    const doctorWith = (env: Record<string, string>) =>
      run(
        process.execPath,
        ['--import', 'tsx', resolve('tools/run.ts'), 'doctor', '--stream', STREAM, '--json'],
        { env },
      ).then(
        (done) => ({ code: 0, ...done }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const noRegion = await doctorWith(bare);
    expect(noRegion.code).toBe(1);
    expect(byId(JSON.parse(noRegion.stdout), 'stream')).toMatchObject({
      status: 'fail',
      evidence: 'Error: Region is missing',
      fix: 'pass --region, or set AWS_REGION (or AWS_PROFILE, for a profile with a region)',
    });
    // Not "there is no stream": whether there is one is what could not be asked.
    expect(byId(JSON.parse(noRegion.stdout), 'stages').summary).toBe(
      'could not check the stages: the stream could not be described (below)',
    );
    const noCredentials = await doctorWith({ ...bare, AWS_REGION: 'us-east-1' });
    expect(noCredentials.code).toBe(1);
    expect(byId(JSON.parse(noCredentials.stdout), 'stream')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^give AWS credentials: AWS_PROFILE/),
    });
  }, 30_000);

  it('exits 0 when nothing fails, and 2 for usage errors', async () => {
    await deploy();
    const healthy = await cli(['--stream', STREAM]);
    expect(healthy.stdout).toContain(
      '✓ flow: records flow: 120 in, 120 delivered in the last 60 min',
    );
    expect(healthy.code).toBe(0);
    const usage = await cli(['--stream', STREAM, '--since', 'yesterday']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--since takes a duration like 30m, 1h or 2d');
    // A window of nothing: CloudWatch refuses it, and no failed record is in it ("✓").
    const empty = await cli(['--stream', STREAM, '--since', '0m']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--since takes a duration like 30m, 1h or 2d; got "0m"');
  }, 30_000);

  it('with --regions, checks each region and reports them in one table (and one JSON document)', async () => {
    await deploy();
    const table = await cli(['--stream', STREAM, '--regions', 'us-east-1,eu-west-1']);
    expect(table.code).toBe(1);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^check\s+us-east-1\s+eu-west-1$/);
    expect(lines).toContainEqual(expect.stringMatching(/^stream\s+✓ ok\s+✗ fail$/));
    expect(lines).toContainEqual(expect.stringMatching(/^flow\s+✓ ok\s+—$/));
    const europe = table.stdout.slice(table.stdout.indexOf('\neu-west-1:\n'));
    expect(europe).toContain(`✗ stream: no delivery stream named ${STREAM}`);
    expect(europe).toContain('    region eu-west-1');
    const json = await cli(['--stream', STREAM, '--regions', 'us-east-1,eu-west-1', '--json']);
    const results = JSON.parse(json.stdout) as { region: string; checks: Check[] }[];
    expect(results.map((result) => result.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(statuses(results[0]?.checks ?? [])).toEqual(ALL_OK);
    expect(byId(results[1]?.checks ?? [], 'stream')).toMatchObject({
      status: 'fail',
      evidence: 'region eu-west-1',
    });
  }, 60_000);
});
