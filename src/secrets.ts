/**
 * Settings that live in Secrets Manager: the environment holds only the secret's ARN, and the
 * value is read once, at init, with Powertools' parameters utility.
 */
import { type Config, MIN_HASH_KEY_LENGTH } from './config';
import { ConfigError } from './errors';

/** Reads a secret's string value by ARN. */
export type SecretReader = (arn: string) => Promise<string | undefined>;

/**
 * Powertools' `getSecret`, loaded only when a secret is named: the SDK client it needs is the
 * Lambda runtime's own (left out of the bundle), so a function that names none never loads it.
 */
const readWithPowertools: SecretReader = async (arn) => {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(arn);
  return typeof value === 'string' ? value : undefined;
};

/** The config with every named secret read; throws ConfigError naming the secret otherwise. */
export async function withSecrets(
  config: Config,
  read: SecretReader = readWithPowertools,
): Promise<Config> {
  const arn = config.sourceIpHashKeySecretArn;
  if (!arn) return config;
  let key: string | undefined;
  try {
    key = (await read(arn))?.trim();
  } catch (error) {
    throw new ConfigError(
      `SOURCE_IP_HASH_KEY_SECRET_ARN: cannot read secret ${arn}: ${(error as Error).name}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!key || key.length < MIN_HASH_KEY_LENGTH) {
    throw new ConfigError(
      `SOURCE_IP_HASH_KEY_SECRET_ARN: secret ${arn} must hold a key of at least ${MIN_HASH_KEY_LENGTH} characters`,
    );
  }
  return { ...config, sourceIp: { mode: 'hash', key }, sourceIpHashKeySecretArn: undefined };
}
