import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GetResourcesCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../../src/formats/known';
import { type Io, Refused } from '../../tools/shared/prompt';
import { pointStageLogs } from '../../tools/stage-logs';
import { type Moto, startMoto } from '../moto';

let moto: Moto;
let clients: { apiGateway: APIGatewayClient; firehose: FirehoseClient };

beforeAll(async () => {
  moto = await startMoto();
  clients = {
    apiGateway: new APIGatewayClient(moto.clientConfig),
    firehose: new FirehoseClient(moto.clientConfig),
  };
}, 60_000);
afterAll(() => moto.stop());

function scriptedIo(answer: boolean): Io & { lines: string[] } {
  const io = {
    lines: [] as string[],
    log: (line: string) => io.lines.push(line),
    confirm: async () => answer,
  };
  return io;
}

async function streamNamed(name: string): Promise<string> {
  await clients.firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      ExtendedS3DestinationConfiguration: {
        BucketARN: 'arn:aws:s3:::b',
        RoleARN: 'arn:aws:iam::123456789012:role/r',
      },
    }),
  );
  return `arn:aws:firehose:us-east-1:123456789012:deliverystream/${name}`;
}

async function restApiWithStage(): Promise<string> {
  const api = await clients.apiGateway.send(new CreateRestApiCommand({ name: 'pets' }));
  const restApiId = api.id as string;
  const resources = await clients.apiGateway.send(new GetResourcesCommand({ restApiId }));
  const root = resources.items?.[0]?.id as string;
  await clients.apiGateway.send(
    new PutMethodCommand({
      restApiId,
      resourceId: root,
      httpMethod: 'GET',
      authorizationType: 'NONE',
    }),
  );
  await clients.apiGateway.send(
    new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }),
  );
  const deployment = await clients.apiGateway.send(new CreateDeploymentCommand({ restApiId }));
  await clients.apiGateway.send(
    new CreateStageCommand({ restApiId, stageName: 'prod', deploymentId: deployment.id }),
  );
  return restApiId;
}

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
  });

  it('warns when the stream name lacks the amazon-apigateway- prefix', async () => {
    await streamNamed('access-logs');
    const restApiId = await restApiWithStage();
    const io = scriptedIo(false);
    await pointStageLogs({ restApiId, stage: 'prod', stream: 'access-logs' }, clients, io);
    expect(io.lines[0]).toBe(
      'warning: access-logs does not start with amazon-apigateway-; API Gateway only logs to streams whose name does, and will refuse this one',
    );
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
    ).rejects.toThrow(
      new Refused('the format must contain $context.requestId, as API Gateway requires'),
    );
    await expect(
      pointStageLogs({ restApiId, stage: 'prod', stream: 'amazon-apigateway-none' }, clients, io),
    ).rejects.toThrow('no delivery stream named amazon-apigateway-none');
    await expect(
      pointStageLogs({ restApiId, stage: 'beta', stream: 'amazon-apigateway-logs' }, clients, io),
    ).rejects.toThrow('no stage beta on REST API');
  });
});
