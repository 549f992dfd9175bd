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
    firehose: withSetupFix(new FirehoseClient(config)),
    lambda: withSetupFix(new LambdaClient(config)),
    iam: withSetupFix(new IAMClient(config)),
    apiGateway: withSetupFix(new APIGatewayClient(config)),
    s3: withSetupFix(new S3Client(config)),
    cloudWatch: withSetupFix(new CloudWatchClient(config)),
    logs: withSetupFix(new CloudWatchLogsClient(config)),
  };
}

/**
 * What to do about an error that means AWS was never asked (no region, no credentials), or
 * undefined for any other. The SDK's own messages name neither the option nor the variables.
 */
export function awsSetupFix(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  if (message.includes('Region is missing')) {
    return 'pass --region, or set AWS_REGION (or AWS_PROFILE, for a profile with a region)';
  }
  if (
    errorName(error) === 'CredentialsProviderError' ||
    message.includes('Could not load credentials')
  ) {
    return 'give AWS credentials: AWS_PROFILE (after aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  return undefined;
}

/** Each client's stack takes its own input and output types: the middleware takes any. */
type AnyStack = { add(middleware: unknown, options: { step: 'initialize'; name: string }): void };

/** The client, its errors of setup (awsSetupFix) saying what to do in their message. */
export function withSetupFix<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as AnyStack).add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (error) {
        const fix = awsSetupFix(error);
        if (fix && error instanceof Error && !error.message.includes(fix)) {
          error.message = `${error.message}: ${fix}`;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'setupFix' },
  );
  return client;
}

export type AwsClients = ReturnType<typeof awsClients>;

/** The name of an AWS SDK error (`ResourceNotFoundException`, …), or '' for anything else. */
export function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
}
