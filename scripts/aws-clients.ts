/** AWS SDK v3 clients for the command-line tools: default credential chain, `--region` or env. */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
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
  };
}
