/** AWS SDK v3 clients for the commands: default credential chain, `--region` or the environment. */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { noAnswerCode } from '../cli/answer';
import { NoAnswerError } from '../cli/errors';

/**
 * How long a command waits for AWS: to connect, and for an answer to start. The SDK's own default
 * waits for ever for an answer (its request time-out only warns), so an endpoint that takes the
 * connection and says nothing (a proxy, a firewall) left a command hanging without a word. The
 * SDK retries a time-out (3 attempts), then the call fails as no answer (withSetupFix).
 */
export const AWS_WAIT = { connectionMs: 5_000, answerMs: 30_000 };

/** A client's configuration: the region, and how long it waits (AWS_WAIT). */
export function awsConfig(region?: string, wait = AWS_WAIT) {
  return {
    ...(region ? { region } : {}),
    requestHandler: {
      connectionTimeout: wait.connectionMs,
      requestTimeout: wait.answerMs,
      throwOnRequestTimeout: true,
    },
  };
}

export function awsClients(region?: string, wait = AWS_WAIT) {
  const config = awsConfig(region, wait);
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

/**
 * Why AWS gave no answer at all (the SDK's retries spent), or undefined for an error AWS answered
 * with. The SDK rejects with Node.js's own network error, whose message names neither the service
 * nor the call.
 */
function noAnswerReason(error: unknown): string | undefined {
  type NetworkError = { address?: unknown; port?: unknown };
  const { hostname, errors } = error as { hostname?: unknown; errors?: NetworkError[] };
  const code = noAnswerCode(error);
  if (code === 'timed out' || code === 'ETIMEDOUT') return 'timed out';
  if (code === 'ECONNREFUSED') {
    // A host of IPv6 and IPv4 addresses (localhost) fails as an AggregateError, one error each.
    const { address, port } = (error as NetworkError).address
      ? (error as NetworkError)
      : (errors?.[0] ?? {});
    return address
      ? `could not connect to ${address}:${port} (connection refused)`
      : 'could not connect (connection refused)';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `could not find the host ${hostname} (${code})`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return `the connection was cut (${code})`;
  return undefined;
}

/** Each client's stack takes its own input and output types: the middleware takes any. */
type AnyStack = { add(middleware: unknown, options: { step: 'initialize'; name: string }): void };

/**
 * The client, its errors of setup (awsSetupFix) saying what to do in their message, and AWS's
 * silence a NoAnswerError naming the call: a command stops on it as on OpenObserve's silence.
 */
export function withSetupFix<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as AnyStack).add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        try {
          return await next(args);
        } catch (error) {
          const reason = noAnswerReason(error);
          if (reason) {
            const call = (context.commandName ?? 'the call').replace(/Command$/, '');
            throw new NoAnswerError(
              `AWS did not answer ${call}: ${reason}: check the region and this machine's network (and AWS_ENDPOINT_URL, if set)`,
              { cause: error },
            );
          }
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
