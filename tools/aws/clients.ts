/** AWS SDK v3 clients for the commands: default credential chain, `--region` or the environment. */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';

export function awsClients(region?: string) {
  const config = region ? { region } : {};
  return {
    firehose: new FirehoseClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    apiGateway: new APIGatewayClient(config),
    s3: new S3Client(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export type AwsClients = ReturnType<typeof awsClients>;

/** The name of an AWS SDK error (`ResourceNotFoundException`, …), or '' for anything else. */
export function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
}
