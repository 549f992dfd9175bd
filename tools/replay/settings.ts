/**
 * The processor's settings for a replay: the deployed function's environment with `--function`
 * (as Lambda runs it, so a replay redacts what the function would), else this shell's. A hash key
 * named by its secret's ARN is read from Secrets Manager, as the function reads it at init.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Config, compileUserPatterns, readConfig, withSecrets } from '../../src/surface';
import { awsClients, awsConfig, errorName, withSetupFix } from '../aws/clients';
import { findFunction, settingsOf } from '../aws/lambda';
import { RefusedError } from '../cli/errors';

/** The variables that change what the processor makes of a line (README, Settings). */
const PROCESSOR_SETTINGS = [
  'LOG_FORMAT',
  'ON_PARSE_ERROR',
  'LATENCY_BUCKETS_MS',
  'SOURCE_IP',
  'DROP_EVENTS',
  'SAMPLE',
  'REDACT',
  'DROP_FIELDS',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** One line naming each processor setting and its value (never the hash key itself). */
export function describeSettings(env: Env): string {
  return PROCESSOR_SETTINGS.map((name) => {
    const value = env[name]?.trim();
    if (!value) return `${name} unset`;
    return `${name} ${name === 'LOG_FORMAT' ? 'set (a custom format)' : value}`;
  }).join(', ');
}

async function functionEnv(functionName: string, region: string | undefined) {
  try {
    const fn = await findFunction(awsClients(region).lambda, functionName);
    if (!fn)
      throw Object.assign(new Error('no such function'), { name: 'ResourceNotFoundException' });
    return { env: settingsOf(fn), from: `the function ${fn.FunctionName ?? functionName}` };
  } catch (error) {
    throw new RefusedError(
      `cannot read the settings of function ${functionName}: ${errorName(error) || 'error'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The config the processor runs with, checked as the function checks it at init, and its source. */
export async function processorConfig(
  functionName: string | undefined,
  region: string | undefined,
): Promise<{ config: Config; from: string; env: Env }> {
  const { env, from } = functionName
    ? await functionEnv(functionName, region)
    : {
        env: process.env as Env,
        from: "this shell's environment (pass --function NAME to use the deployed function's)",
      };
  const secrets = withSetupFix(new SecretsManagerClient(awsConfig(region)));
  const config = await withSecrets(readConfig(env), async (arn) => {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    return secret.SecretString;
  });
  await compileUserPatterns(config.rules);
  return { config, from, env };
}
