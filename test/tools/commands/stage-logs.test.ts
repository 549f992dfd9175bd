import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  APIGatewayClient,
  GetStageCommand,
  UpdateAccountCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  DescribeDeliveriesCommand,
  DescribeDeliveryDestinationsCommand,
  DescribeDeliverySourcesCommand,
  DescribeLogGroupsCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../../../src/formats/known';
import { RefusedError as Refused } from '../../../tools/cli/errors';
import type { Io } from '../../../tools/cli/io';
import { runPlan } from '../../../tools/cli/plan';
import {
  type AllStagesOptions,
  planAllStages,
  planStageLogs,
  type StageLogsClients,
  type StageLogsOptions,
} from '../../../tools/stage-logs/plan';
import { createRestApi, setStageLogs } from '../../support/aws-fixtures';
import { scriptedIo } from '../../support/io';
import { type Moto, startMoto } from '../../support/moto';

/** One stage through the one runner: changed when applied, and read back as planned. */
async function pointStageLogs(options: StageLogsOptions, clients: StageLogsClients, io: Io) {
  const result = await runPlan(await planStageLogs(options, clients), io);
  expect(result.mismatches).toEqual([]);
  return { changed: result.changed };
}

/** Every stage through the one runner: how many were changed, how many failed. */
async function enrollRegion(options: AllStagesOptions, clients: StageLogsClients, io: Io) {
  const result = await runPlan(await planAllStages(options, () => clients), io);
  expect(result.mismatches).toEqual([]);
  return { changed: result.applied.length, failed: result.failed.length };
}

let moto: Moto;
let clients: StageLogsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = {
    apiGateway: new APIGatewayClient(moto.clientConfig),
    firehose: new FirehoseClient(moto.clientConfig),
    logs: new CloudWatchLogsClient(moto.clientConfig),
  };
}, 60_000);
afterAll(() => moto.stop());

/** A stream with the processor attached, or none (`processor: false`). */
async function streamNamed(name: string, { processor = true } = {}): Promise<string> {
  await clients.firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      ExtendedS3DestinationConfiguration: {
        BucketARN: 'arn:aws:s3:::b',
        RoleARN: 'arn:aws:iam::123456789012:role/r',
        ProcessingConfiguration: processor
          ? {
              Enabled: true,
              Processors: [
                {
                  Type: 'Lambda',
                  Parameters: [
                    {
                      ParameterName: 'LambdaArn',
                      ParameterValue: 'arn:aws:lambda:us-east-1:123456789012:function:processor',
                    },
                  ],
                },
              ],
            }
          : undefined,
      },
    }),
  );
  return `arn:aws:firehose:us-east-1:123456789012:deliverystream/${name}`;
}

const restApiWithStage = () => createRestApi(clients.apiGateway, 'pets');

/** A log group's retention in days; undefined when it keeps its lines for ever. */
async function retentionOf(group: string): Promise<number | undefined> {
  const { logGroups } = await clients.logs.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: group }),
  );
  const found = logGroups?.find((each) => each.logGroupName === group);
  if (!found) throw new Error(`no log group ${group}`);
  return found.retentionInDays;
}

/** The account's CloudWatch role, without which API Gateway writes no execution logs. */
/** The streams (or other resources) the account's deliveries send to. */
async function destinationsOfDeliveries(): Promise<string[]> {
  const { deliveries } = await clients.logs.send(new DescribeDeliveriesCommand({}));
  const { deliveryDestinations } = await clients.logs.send(
    new DescribeDeliveryDestinationsCommand({}),
  );
  return (deliveries ?? []).map(
    (delivery) =>
      deliveryDestinations?.find((each) => each.arn === delivery.deliveryDestinationArn)
        ?.deliveryDestinationConfiguration?.destinationResourceArn ?? '',
  );
}

const giveAccountLogsRole = () =>
  clients.apiGateway.send(
    new UpdateAccountCommand({
      patchOperations: [
        {
          op: 'replace',
          path: '/cloudwatchRoleArn',
          value: 'arn:aws:iam::123456789012:role/apigw-logs',
        },
      ],
    }),
  );

describe('pointStageLogs (against moto)', () => {
  beforeEach(() => moto.reset());

  it('points the stage at the stream with the recommended format, then finds nothing to change', async () => {
    const streamArn = await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };

    await expect(pointStageLogs(options, clients, scriptedIo(true))).resolves.toEqual({
      changed: true,
    });
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings).toEqual({ destinationArn: streamArn, format: DEFAULT_FORMAT });

    const again = scriptedIo(true);
    await expect(pointStageLogs(options, clients, again)).resolves.toEqual({ changed: false });
    expect(again.lines).toContain('Nothing to change.');
  });

  it('sets another format and reminds that the processor must read the same one', async () => {
    await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    const io = scriptedIo(true);
    await pointStageLogs(
      { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: KNOWN_FORMATS.clf },
      clients,
      io,
    );
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings?.format).toBe(KNOWN_FORMATS.clf);
    expect(io.lines.join('\n')).toContain('set its LOG_FORMAT (template parameter LogFormat)');

    // Without --format, its own format would be replaced by the recommended one: said first.
    const replacing = scriptedIo(false);
    await runPlan(
      await planStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', executionLogs: 'OFF' },
        clients,
      ),
      replacing,
    );
    expect(replacing.lines[0]).toBe(
      "warning: the stage's own format is replaced by the recommended one; to keep it, give it with --format",
    );
    const kept = scriptedIo(false);
    await runPlan(
      await planStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: KNOWN_FORMATS.clf },
        clients,
      ),
      kept,
    );
    expect(kept.lines.join('\n')).not.toContain('warning');
  });

  it('warns first when the stream has no processor: raw lines would reach OpenObserve, which refuses them', async () => {
    await streamNamed('amazon-apigateway-logs', { processor: false });
    const restApiId = await restApiWithStage();
    const io = scriptedIo(false);
    await runPlan(
      await planStageLogs({ restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' }, clients),
      io,
    );
    expect(io.lines[0]).toBe(
      'warning: delivery stream amazon-apigateway-logs has no Lambda processor: its lines would reach OpenObserve as text, which it refuses; attach the function first (npm run attach -- --stream amazon-apigateway-logs --function <function>)',
    );
  });

  it('takes a format with a variable newer than its list, and says so', async () => {
    await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    const io = scriptedIo(true);
    const format = `${DEFAULT_FORMAT}, Shiny: $context.someNewThing`;
    await pointStageLogs(
      { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format },
      clients,
      io,
    );
    expect(io.lines[0]).toMatch(
      /^warning: the format names \$context\.someNewThing, which API Gateway's list of variables does not \(closest: \$context\.\w+\); the processor reads it as a string into some_new_thing$/,
    );
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings?.format).toBe(format);
  });

  it('refuses a stream with CloudWatch Logs decompression on, where its logs would fail (docs/contracts.md §3.1)', async () => {
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'amazon-apigateway-decompressed',
        ExtendedS3DestinationConfiguration: {
          BucketARN: 'arn:aws:s3:::b',
          RoleARN: 'arn:aws:iam::123456789012:role/r',
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: 'Decompression',
                Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }],
              },
            ],
          },
        },
      }),
    );
    const restApiId = await restApiWithStage();
    for (const executionLogs of [undefined, 'ERROR'] as const) {
      const io = scriptedIo(true);
      await expect(
        pointStageLogs(
          { restApiId, stage: 'prod', stream: 'amazon-apigateway-decompressed', executionLogs },
          clients,
          io,
        ),
      ).rejects.toThrow(
        'delivery stream amazon-apigateway-decompressed has CloudWatch Logs decompression on: it takes CloudWatch Logs subscriptions only',
      );
      expect(io.asked).toBe(0);
    }
    const { deliveries } = await clients.logs.send(new DescribeDeliveriesCommand({}));
    expect(deliveries).toEqual([]);
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings).toBeUndefined();
  });

  it('refuses a stream whose name lacks the amazon-apigateway- prefix, changing nothing', async () => {
    await streamNamed('access-logs');
    const restApiId = await restApiWithStage();
    await expect(
      pointStageLogs(
        { restApiId, stage: 'prod', stream: 'access-logs' },
        clients,
        scriptedIo(true),
      ),
    ).rejects.toThrow(
      'access-logs does not start with amazon-apigateway-: API Gateway logs only to streams whose name does',
    );
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings).toBeUndefined();
  });

  it('refuses a format API Gateway would refuse, an unknown stream and an unknown stage', async () => {
    await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    const io = scriptedIo(true);
    await expect(
      pointStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: '$context.status' },
        clients,
        io,
      ),
    ).rejects.toThrow(Refused);
    await expect(
      pointStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: '$context.status' },
        clients,
        io,
      ),
    ).rejects.toThrow('the format must contain $context.requestId, as API Gateway requires');
    const long = `$context.requestId ${'$context.path '.repeat(250)}`;
    await expect(
      pointStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: long },
        clients,
        io,
      ),
    ).rejects.toThrow(`the format is ${long.length} bytes: API Gateway refuses one over 3072`);
    const withKey = '$context.requestId $context.identity.apiKey $context.status';
    await expect(
      pointStageLogs(
        { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs', format: withKey },
        clients,
        io,
      ),
    ).rejects.toThrow("the format names $context.identity.apiKey is the caller's API key itself");
    await expect(
      pointStageLogs({ restApiId, stage: 'prod', stream: 'amazon-apigateway-none' }, clients, io),
    ).rejects.toThrow('no delivery stream named amazon-apigateway-none');
    await expect(
      pointStageLogs({ restApiId, stage: 'beta', stream: 'amazon-apigateway-logs' }, clients, io),
    ).rejects.toThrow(`no stage beta on REST API ${restApiId}; its stages: prod`);
  });
});

describe('enrollRegion: --all-stages (against moto)', () => {
  beforeEach(() => moto.reset());
  const cloudWatch = 'arn:aws:logs:us-east-1:123456789012:log-group:API-Gateway-Access-Logs';

  /** One API whose stages log nowhere, to CloudWatch Logs, to this stream and to another. */
  async function mixedRegion() {
    const here = await streamNamed('amazon-apigateway-logs');
    const other = await streamNamed('amazon-apigateway-other');
    const restApiId = await createRestApi(clients.apiGateway, 'shop', [
      'none',
      'cloudwatch',
      'here',
      'other',
    ]);
    await setStageLogs(
      clients.apiGateway,
      restApiId,
      'cloudwatch',
      cloudWatch,
      KNOWN_FORMATS.json as string,
    );
    await setStageLogs(clients.apiGateway, restApiId, 'here', here, DEFAULT_FORMAT);
    await setStageLogs(clients.apiGateway, restApiId, 'other', other, DEFAULT_FORMAT);
    const logsOf = async (stageName: string) =>
      (await clients.apiGateway.send(new GetStageCommand({ restApiId, stageName })))
        .accessLogSettings;
    return { here, other, logsOf };
  }

  it('shows every stage and where it logs, enrolls the one that logs nowhere, leaves the others', async () => {
    const { here, other, logsOf } = await mixedRegion();
    const io = scriptedIo(true);
    await expect(
      enrollRegion({ stream: 'amazon-apigateway-logs', takeOver: false }, clients, io),
    ).resolves.toEqual({ changed: 1, failed: 0 });
    const rows = io.lines.join('\n');
    expect(rows).toMatch(/none\s+nowhere\s+none\s+this stream, default/);
    expect(rows).toMatch(
      /cloudwatch\s+CloudWatch Logs\s+json\s+left alone \(--take-over moves it\)/,
    );
    expect(rows).toMatch(/here\s+this stream\s+default\s+unchanged/);
    expect(rows).toMatch(/other\s+amazon-apigateway-other\s+default\s+left alone/);
    expect(await logsOf('none')).toEqual({ destinationArn: here, format: DEFAULT_FORMAT });
    expect((await logsOf('cloudwatch'))?.destinationArn).toBe(cloudWatch);
    expect((await logsOf('other'))?.destinationArn).toBe(other);
    expect(io.lines.filter((line) => line.startsWith('✓'))).toEqual([
      expect.stringMatching(/^✓ shop \(\w+\) none$/),
    ]);
  });

  it('moves every stage with --take-over, and asks once', async () => {
    const { here, logsOf } = await mixedRegion();
    const io = scriptedIo(true);
    await expect(
      enrollRegion({ stream: 'amazon-apigateway-logs', takeOver: true }, clients, io),
    ).resolves.toEqual({ changed: 3, failed: 0 });
    for (const stage of ['none', 'cloudwatch', 'here', 'other']) {
      expect(await logsOf(stage)).toEqual({ destinationArn: here, format: DEFAULT_FORMAT });
    }
    expect(io.asked).toBe(1);
    // The stage that wrote the json format took the recommended one: said before the question.
    expect(io.lines[0]).toBe(
      'warning: 1 stage(s) with a format of their own take the recommended one; to keep a format, give it with --format',
    );
  });

  it('changes nothing when the answer is no, and says so when all is in place', async () => {
    const { logsOf } = await mixedRegion();
    const no = scriptedIo(false);
    await enrollRegion({ stream: 'amazon-apigateway-logs', takeOver: true }, clients, no);
    expect(await logsOf('none')).toBeUndefined();
    expect(no.lines.at(-1)).toBe('Nothing changed.');
    await enrollRegion(
      { stream: 'amazon-apigateway-logs', takeOver: true },
      clients,
      scriptedIo(true),
    );
    const again = scriptedIo(true);
    await enrollRegion({ stream: 'amazon-apigateway-logs', takeOver: true }, clients, again);
    expect(again.lines.at(-1)).toBe('Nothing to change.');
    expect(again.asked).toBe(0);
  });

  it('as a command: --all-stages --yes --json prints one JSON document; a bad command line exits 2', async () => {
    const { here, logsOf } = await mixedRegion();
    const cli = (...args: string[]) =>
      spawnSync(resolve('node_modules/.bin/tsx'), ['tools/run.ts', 'stage-logs', ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...moto.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const run = cli('--all-stages', '--stream', 'amazon-apigateway-logs', '--yes', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      changed: true,
      applied: [expect.stringMatching(/^shop \(\w+\) none$/)],
      failed: [],
      mismatches: [],
    });
    expect(await logsOf('none')).toEqual({ destinationArn: here, format: DEFAULT_FORMAT });
    const wrong = cli('--all-stages', '--stage', 'prod', '--stream', 'amazon-apigateway-logs');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--all-stages takes no --rest-api-id or --stage');
    expect(wrong.stderr).toContain('usage: npm run stage-logs --');
  }, 30_000);

  it("with --regions, plans every region in one table, asks once, and moves each stage to its region's stream", async () => {
    const { here, logsOf } = await mixedRegion();
    const config = { ...moto.clientConfig, region: 'eu-west-1' };
    const europe = {
      apiGateway: new APIGatewayClient(config),
      firehose: new FirehoseClient(config),
      logs: new CloudWatchLogsClient(config),
    };
    // A region without the stream is named, and nothing is changed in any region.
    await expect(
      planAllStages(
        { stream: 'amazon-apigateway-logs', takeOver: false },
        (region?: string) => (region === 'eu-west-1' ? europe : clients),
        ['us-east-1', 'eu-west-1'],
      ),
    ).rejects.toThrow('eu-west-1: no delivery stream named amazon-apigateway-logs');
    // So is a region whose AWS answers with an error of its own (a token it refuses).
    const refusing = new FirehoseClient(config);
    refusing.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'UnrecognizedClientException',
        });
      },
      { step: 'initialize' },
    );
    await expect(
      planAllStages(
        { stream: 'amazon-apigateway-logs', takeOver: false },
        (region?: string) => (region === 'eu-west-1' ? { ...europe, firehose: refusing } : clients),
        ['us-east-1', 'eu-west-1'],
      ),
    ).rejects.toThrow('eu-west-1: The security token included in the request is invalid.');
    await europe.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'amazon-apigateway-logs',
        ExtendedS3DestinationConfiguration: {
          BucketARN: 'arn:aws:s3:::b',
          RoleARN: 'arn:aws:iam::123456789012:role/r',
        },
      }),
    );
    const europeApi = await createRestApi(europe.apiGateway, 'shop-eu', ['prod']);
    const clientsFor = (region?: string) => (region === 'eu-west-1' ? europe : clients);
    const io = scriptedIo(true);
    const result = await runPlan(
      await planAllStages({ stream: 'amazon-apigateway-logs', takeOver: false }, clientsFor, [
        'us-east-1',
        'eu-west-1',
      ]),
      io,
    );
    expect(io.asked).toBe(1);
    const text = io.lines.join('\n');
    expect(text).toMatch(/region\s+API\s+stage\s+logs to\s+format\s+becomes/);
    expect(text).toMatch(/us-east-1\s+shop \(\w+\)\s+none\s+nowhere/);
    expect(text).toMatch(
      /eu-west-1\s+shop-eu \(\w+\)\s+prod\s+nowhere\s+none\s+this stream, default/,
    );
    expect(result.applied).toEqual([
      expect.stringMatching(/^us-east-1: shop \(\w+\) none$/),
      expect.stringMatching(/^eu-west-1: shop-eu \(\w+\) prod$/),
    ]);
    expect(result.mismatches).toEqual([]);
    expect(await logsOf('none')).toEqual({ destinationArn: here, format: DEFAULT_FORMAT });
    const stage = await europe.apiGateway.send(
      new GetStageCommand({ restApiId: europeApi, stageName: 'prod' }),
    );
    expect(stage.accessLogSettings?.destinationArn).toBe(
      'arn:aws:firehose:eu-west-1:123456789012:deliverystream/amazon-apigateway-logs',
    );
  });

  it('--execution-logs INFO: the stage logs every step to the stream through a log delivery, then OFF stops it', async () => {
    const streamArn = await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
    const refused = pointStageLogs(
      { ...options, executionLogs: 'INFO' },
      clients,
      scriptedIo(true),
    );
    await expect(refused).rejects.toThrow(Refused);
    await expect(
      pointStageLogs({ ...options, executionLogs: 'INFO' }, clients, scriptedIo(true)),
    ).rejects.toThrow("API Gateway writes execution logs only with the account's CloudWatch role");
    await giveAccountLogsRole();
    const io = scriptedIo(true);
    await expect(
      pointStageLogs({ ...options, executionLogs: 'INFO' }, clients, io),
    ).resolves.toEqual({
      changed: true,
    });
    expect(io.lines).toContain(`  execution logs of pets (${restApiId}) prod: OFF → INFO`);
    // The plan shows every change before it is confirmed, the stream's tag too.
    const tag =
      '  stream tag LogDeliveryEnabled: none → true (CloudWatch Logs delivers to no other stream)';
    expect(io.lines.indexOf(tag)).toBeGreaterThan(-1);
    expect(io.lines.indexOf(tag)).toBeLessThan(io.lines.findIndex((line) => line.includes('✓')));
    const stage = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(stage.methodSettings?.['*/*']).toMatchObject({
      loggingLevel: 'INFO',
      dataTraceEnabled: false,
    });
    const { deliveries } = await clients.logs.send(new DescribeDeliveriesCommand({}));
    expect(deliveries?.map((d) => d.deliverySourceName)).toEqual([
      `apigw-${restApiId}-prod-execution`,
    ]);
    // API Gateway would create the stage's execution-log group keeping every line for ever: it is
    // made first, with a retention.
    const group = `API-Gateway-Execution-Logs_${restApiId}/prod`;
    expect(io.lines).toContain(`  execution-log group ${group}: none → kept 30 days`);
    expect(await retentionOf(group)).toBe(30);
    const again = scriptedIo(true);
    await pointStageLogs({ ...options, executionLogs: 'INFO' }, clients, again);
    expect(again.lines.at(-1)).toBe('Nothing to change.');
    await pointStageLogs({ ...options, executionLogs: 'OFF' }, clients, scriptedIo(true));
    const off = await clients.apiGateway.send(
      new GetStageCommand({ restApiId, stageName: 'prod' }),
    );
    expect(off.methodSettings?.['*/*']?.loggingLevel).toBe('OFF');
    expect((await clients.logs.send(new DescribeDeliveriesCommand({}))).deliveries).toEqual([]);
    expect(streamArn).toContain('amazon-apigateway-logs');
  });

  it('--execution-logs leaves the retention of an existing execution-log group alone unless --execution-log-days is given', async () => {
    await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    await giveAccountLogsRole();
    const group = `API-Gateway-Execution-Logs_${restApiId}/prod`;
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
    const io = scriptedIo(true);
    await pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, io);
    // Bounding it would delete what is older: said, not done.
    expect(io.lines).toContain(
      `  execution-log group ${group}: kept for ever (--execution-log-days DAYS bounds it)`,
    );
    expect(await retentionOf(group)).toBeUndefined();
    const bounded = scriptedIo(true);
    await pointStageLogs(
      { ...options, executionLogs: 'ERROR', executionLogDays: 14 },
      clients,
      bounded,
    );
    expect(bounded.lines).toContain(`  execution-log group ${group}: kept for ever → kept 14 days`);
    expect(await retentionOf(group)).toBe(14);
  });

  it('refuses --execution-log-days without execution logs, or a number CloudWatch Logs does not take', () => {
    const cli = (...args: string[]) =>
      spawnSync(resolve('node_modules/.bin/tsx'), ['tools/run.ts', 'stage-logs', ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...moto.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const stage = ['--rest-api-id', 'a1', '--stage', 'prod', '--stream', 'amazon-apigateway-x'];
    for (const [args, why] of [
      [
        ['--execution-log-days', '14'],
        '--execution-log-days goes with --execution-logs ERROR or INFO',
      ],
      [
        ['--execution-logs', 'ERROR', '--execution-log-days', '10'],
        "--execution-log-days must be one of CloudWatch Logs' retentions: 1, 3, 5, 7, 14, 30",
      ],
    ] as const) {
      const run = cli(...stage, ...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(why);
    }
  }, 30_000);

  it("--execution-logs moves a stage's execution logs to another stream, saying so, and leaves no delivery to the first", async () => {
    const first = await streamNamed('amazon-apigateway-old');
    const second = await streamNamed('amazon-apigateway-new');
    const restApiId = await restApiWithStage();
    await giveAccountLogsRole();
    const options = { restApiId, stage: 'prod', executionLogs: 'INFO' as const };
    await pointStageLogs(
      { ...options, stream: 'amazon-apigateway-old' },
      clients,
      scriptedIo(true),
    );
    const io = scriptedIo(true);
    await expect(
      pointStageLogs({ ...options, stream: 'amazon-apigateway-new' }, clients, io),
    ).resolves.toEqual({ changed: true });
    expect(io.lines).toContain(
      `  execution logs of pets (${restApiId}) prod: INFO, to amazon-apigateway-old → INFO (no longer to amazon-apigateway-old)`,
    );
    expect(io.lines.join('\n')).toContain('Read back: everything is as planned');
    const deliveredTo = await destinationsOfDeliveries();
    expect(deliveredTo).toEqual([second]);
    expect(deliveredTo).not.toContain(first);
  });

  it('--execution-logs uses a delivery source a stack made for the stage, and OFF removes its delivery to the stream', async () => {
    const streamArn = await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    await giveAccountLogsRole();
    // As template.yaml makes the demo stage's: a source of another name, its delivery to the stream.
    await clients.logs.send(
      new PutDeliverySourceCommand({
        name: 'pets-demo-execution-logs',
        resourceArn: `arn:aws:apigateway:us-east-1:123456789012:/restapis/${restApiId}/stages/prod`,
        logType: 'EXECUTION_LOGS',
      }),
    );
    const { deliveryDestination } = await clients.logs.send(
      new PutDeliveryDestinationCommand({
        name: 'demo-destination',
        deliveryDestinationConfiguration: { destinationResourceArn: streamArn },
      }),
    );
    await clients.logs.send(
      new CreateDeliveryCommand({
        deliverySourceName: 'pets-demo-execution-logs',
        deliveryDestinationArn: deliveryDestination?.arn,
      }),
    );
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
    await pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, scriptedIo(true));
    // One source and one delivery for the stage: every line would reach the stream twice with two.
    const { deliverySources } = await clients.logs.send(new DescribeDeliverySourcesCommand({}));
    expect(deliverySources?.map((source) => source.name)).toEqual(['pets-demo-execution-logs']);
    expect(await destinationsOfDeliveries()).toEqual([streamArn]);
    const off = scriptedIo(true);
    await pointStageLogs({ ...options, executionLogs: 'OFF' }, clients, off);
    expect(off.lines.join('\n')).toContain('Read back: everything is as planned');
    expect(await destinationsOfDeliveries()).toEqual([]);
  });

  it("--execution-logs reads every page of the account's deliveries: the stage's own is found past the first 50", async () => {
    await streamNamed('amazon-apigateway-logs');
    const others = await streamNamed('other-stream');
    const restApiId = await restApiWithStage();
    await giveAccountLogsRole();
    const { deliveryDestination } = await clients.logs.send(
      new PutDeliveryDestinationCommand({
        name: 'other-destination',
        deliveryDestinationConfiguration: { destinationResourceArn: others },
      }),
    );
    for (let i = 0; i < 55; i++) {
      await clients.logs.send(
        new PutDeliverySourceCommand({
          name: `other-${i}`,
          resourceArn: `arn:aws:apigateway:us-east-1:123456789012:/restapis/other${i}/stages/prod`,
          logType: 'EXECUTION_LOGS',
        }),
      );
      await clients.logs.send(
        new CreateDeliveryCommand({
          deliverySourceName: `other-${i}`,
          deliveryDestinationArn: deliveryDestination?.arn,
        }),
      );
    }
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
    await expect(
      pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, scriptedIo(true)),
    ).resolves.toEqual({ changed: true });
    const again = scriptedIo(true);
    await pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, again);
    expect(again.lines.at(-1)).toBe('Nothing to change.');
  });

  it.each([
    ['the stage', '*/*', 'ERROR', ['ERROR → ERROR (data tracing on → off)']],
    [
      'a method with settings of its own (the console\'s "Override for this method")',
      '~1/GET',
      'INFO',
      ['OFF → ERROR (data tracing on → off)', 'method ~1/GET: INFO, data tracing on → ERROR'],
    ],
  ])(
    '--execution-logs turns data tracing off and sets the level for %s, saying so in its plan',
    async (_what, key, level, planned) => {
      await streamNamed('amazon-apigateway-logs');
      const restApiId = await restApiWithStage();
      await giveAccountLogsRole();
      await clients.apiGateway.send(
        new UpdateStageCommand({
          restApiId,
          stageName: 'prod',
          patchOperations: [
            { op: 'replace', path: `/${key}/logging/loglevel`, value: level },
            { op: 'replace', path: `/${key}/logging/dataTrace`, value: 'true' },
          ],
        }),
      );
      const io = scriptedIo(true);
      const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
      await expect(
        pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, io),
      ).resolves.toEqual({ changed: true });
      const [stageLine, methodLine] = planned as string[];
      expect(io.lines).toContain(`  execution logs of pets (${restApiId}) prod: ${stageLine}`);
      if (methodLine) expect(io.lines).toContain(`    ${methodLine}`);
      const stage = await clients.apiGateway.send(
        new GetStageCommand({ restApiId, stageName: 'prod' }),
      );
      expect(stage.methodSettings?.[key]).toMatchObject({
        loggingLevel: 'ERROR',
        dataTraceEnabled: false,
      });
      // Read back as planned (pointStageLogs expects no mismatch), and a rerun has nothing to change.
      await expect(
        pointStageLogs({ ...options, executionLogs: 'ERROR' }, clients, scriptedIo(true)),
      ).resolves.toEqual({ changed: false });
    },
  );

  it('--execution-logs sets the level back when the delivery cannot be made, and changes no stage whose group could not be bounded', async () => {
    await streamNamed('amazon-apigateway-logs');
    const restApiId = await restApiWithStage();
    await giveAccountLogsRole();
    /** The logs client of credentials that may not do `command`. */
    const denying = (command: string) => {
      const logs = new CloudWatchLogsClient(moto.clientConfig);
      logs.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === command) {
            throw Object.assign(new Error(`not authorized to perform ${command}`), {
              name: 'AccessDeniedException',
            });
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      return { ...clients, logs };
    };
    const options = { restApiId, stage: 'prod', stream: 'amazon-apigateway-logs' };
    const level = async () =>
      (await clients.apiGateway.send(new GetStageCommand({ restApiId, stageName: 'prod' })))
        .methodSettings?.['*/*']?.loggingLevel ?? 'OFF';

    const all = await runPlan(
      await planAllStages(
        { stream: 'amazon-apigateway-logs', takeOver: false, executionLogs: 'INFO' },
        () => denying('CreateLogGroupCommand'),
      ),
      scriptedIo(true),
    );
    expect(all.failed).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `not changed: API-Gateway-Execution-Logs_${restApiId}/prod could not be created with its retention first`,
        ),
      ]),
    );
    expect(await level()).toBe('OFF');

    // An existing group whose retention could not be changed does not hold the stage back.
    await clients.logs.send(
      new CreateLogGroupCommand({ logGroupName: `API-Gateway-Execution-Logs_${restApiId}/prod` }),
    );
    const existing = await runPlan(
      await planAllStages(
        {
          stream: 'amazon-apigateway-logs',
          takeOver: false,
          executionLogs: 'ERROR',
          executionLogDays: 90,
        },
        () => denying('PutRetentionPolicyCommand'),
      ),
      scriptedIo(true),
    );
    expect(existing.failed).toEqual([
      expect.stringContaining('execution-log group kept 90 days: not authorized'),
    ]);
    expect(await level()).toBe('ERROR');
    await runPlan(
      await planStageLogs({ ...options, executionLogs: 'OFF' }, clients),
      scriptedIo(true),
    );
    expect(await level()).toBe('OFF');

    const io = scriptedIo(true);
    await expect(
      runPlan(
        await planStageLogs(
          { ...options, executionLogs: 'INFO' },
          denying('PutDeliverySourceCommand'),
        ),
        io,
      ),
    ).rejects.toThrow(
      'not authorized to perform PutDeliverySourceCommand; its logging level was set back to OFF',
    );
    // Not left logging to CloudWatch Logs alone, billed and reaching nothing here.
    expect(await level()).toBe('OFF');
  });
});
