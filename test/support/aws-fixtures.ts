/**
 * AWS resources the command tests build in moto: roles, the processor function, a delivery stream
 * with an HTTP endpoint destination, REST APIs with stages.
 */

import {
  type APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import {
  CreateDeliveryStreamCommand,
  type FirehoseClient,
  type ProcessingConfiguration,
} from '@aws-sdk/client-firehose';
import { CreateRoleCommand, type IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { setAccessLogs } from '../../tools/aws/stages';

export const ENDPOINT = 'https://openobserve.example.com/aws/default/api_gateway/_kinesis_firehose';

export async function createRole(
  iam: IAMClient,
  name: string,
  service = 'firehose.amazonaws.com',
): Promise<string> {
  const created = await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return created.Role?.Arn as string;
}

/** An inline policy that lets the role call the function as Firehose's processor (docs/contracts.md §3). */
export async function allowInvoke(iam: IAMClient, roleArn: string, functionArn: string) {
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleArn.slice(roleArn.lastIndexOf('/') + 1),
      PolicyName: 'invoke-processor',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
            Resource: [functionArn, `${functionArn}:*`],
          },
        ],
      }),
    }),
  );
}

export async function createFunction(
  clients: { iam: IAMClient; lambda: LambdaClient },
  name: string,
  variables?: Record<string, string>,
): Promise<string> {
  const execution = await createRole(clients.iam, `${name}-execution`, 'lambda.amazonaws.com');
  const created = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs24.x',
      Role: execution,
      Handler: 'handler.handler',
      Timeout: 60,
      Code: { ZipFile: Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64') },
      Environment: variables ? { Variables: variables } : undefined,
    }),
  );
  return created.FunctionArn as string;
}

/** The Lambda processor configuration `attach` and the template write. */
export const lambdaProcessing = (
  functionArn: string,
  bufferSizeMB = '1',
): ProcessingConfiguration => ({
  Enabled: true,
  Processors: [
    {
      Type: 'Lambda',
      Parameters: [
        { ParameterName: 'LambdaArn', ParameterValue: functionArn },
        { ParameterName: 'BufferSizeInMBs', ParameterValue: bufferSizeMB },
        { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
      ],
    },
  ],
});

export async function createHttpStream(
  firehose: FirehoseClient,
  name: string,
  roleArn: string,
  options: {
    url?: string;
    processing?: ProcessingConfiguration;
    /** The backup bucket's name; `null` for a stream without S3 backup (Firehose requires one, moto does not). */
    bucket?: string | null;
    /** The backup's ErrorOutputPrefix, where Firehose then writes failed records. */
    errorOutputPrefix?: string;
  } = {},
): Promise<string> {
  const created = await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: { Url: options.url ?? ENDPOINT, Name: 'OpenObserve' },
        BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
        RetryOptions: { DurationInSeconds: 600 },
        RoleARN: roleArn,
        S3BackupMode: 'FailedDataOnly',
        S3Configuration:
          options.bucket === null
            ? undefined
            : {
                BucketARN: `arn:aws:s3:::${options.bucket ?? 'backup-bucket'}`,
                RoleARN: roleArn,
                ErrorOutputPrefix: options.errorOutputPrefix,
              },
        ProcessingConfiguration: options.processing,
      },
    }),
  );
  return created.DeliveryStreamARN as string;
}

/** A REST API with a mock GET on / and these stages; returns its id. */
export async function createRestApi(
  apiGateway: APIGatewayClient,
  name: string,
  stageNames: readonly string[] = ['prod'],
): Promise<string> {
  const api = await apiGateway.send(new CreateRestApiCommand({ name }));
  const restApiId = api.id as string;
  const resources = await apiGateway.send(new GetResourcesCommand({ restApiId }));
  const root = resources.items?.[0]?.id as string;
  await apiGateway.send(
    new PutMethodCommand({
      restApiId,
      resourceId: root,
      httpMethod: 'GET',
      authorizationType: 'NONE',
    }),
  );
  await apiGateway.send(
    new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: 'GET', type: 'MOCK' }),
  );
  const deployment = await apiGateway.send(new CreateDeploymentCommand({ restApiId }));
  for (const stageName of stageNames) {
    await apiGateway.send(
      new CreateStageCommand({ restApiId, stageName, deploymentId: deployment.id }),
    );
  }
  return restApiId;
}

/** A stage's access logs to a destination with a format, as a test sets them up. */
export const setStageLogs = (
  apiGateway: APIGatewayClient,
  restApiId: string,
  stage: string,
  destinationArn: string,
  format: string,
) => setAccessLogs(apiGateway, { restApiId, stage }, destinationArn, format);
