import { type LatencyBuckets, latencyBuckets, type SourceIpPolicy } from './enrich';
import { ConfigError } from './errors';
import { formatVariables } from './formats/compile';
import { DEFAULT_FORMAT } from './formats/known';
import { unknownVariables } from './formats/variables';
import { loadObjectPath, objectPath } from './on-demand';
import type { RuleSettings } from './rules';

export type OnParseError = 'keep' | 'fail' | 'drop';

export interface Config {
  /** The stage's `AccessLogSetting.Format`. */
  readonly logFormat: string;
  /**
   * Variables of LOG_FORMAT that API Gateway's list (src/formats/variables.ts) does not name,
   * without `$context.`: read as strings, and reported once at init and by `npm run doctor`.
   */
  readonly unknownVariables: readonly string[];
  readonly onParseError: OnParseError;
  readonly latencyBuckets: LatencyBuckets;
  readonly sourceIp: SourceIpPolicy;
  /**
   * SOURCE_IP_HASH_KEY_SECRET_ARN: the hash key is in this Secrets Manager secret, read at init
   * (src/secrets.ts); until then `sourceIp` holds no key and no processor may be made from it.
   */
  readonly sourceIpHashKeySecretArn?: string;
  /** DROP_EVENTS, SAMPLE, REDACT, DROP_FIELDS (rules.ts). */
  readonly rules: RuleSettings;
}

/**
 * Powertools' service name and metrics namespace when the environment gives none: here, so that
 * a command can read them without starting the function.
 */
export const POWERTOOLS_DEFAULTS = {
  serviceName: 'apigw-access-logs',
  metricsNamespace: 'ApiGatewayAccessLogs',
} as const;

export const DEFAULT_LATENCY_BUCKETS_MS = '50,100,250,500,1000,2500,5000,10000';
/** A shorter key could be guessed; the hash would then reveal the addresses. */
export const MIN_HASH_KEY_LENGTH = 16;

type Env = Readonly<Record<string, string | undefined>>;

/** An unset or empty variable takes the default: SAM passes empty parameters as "". */
function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = setting(env, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function readLogFormat(env: Env): string {
  // Not trimmed: trailing text is part of the format API Gateway writes.
  const format = env.LOG_FORMAT ? env.LOG_FORMAT : DEFAULT_FORMAT;
  if (/[\r\n]/.test(format)) {
    throw new ConfigError('LOG_FORMAT must be a single line, as API Gateway requires');
  }
  // API Gateway refuses a format without the request id (docs/contracts.md §2).
  if (!formatVariables(format).includes('requestId')) {
    throw new ConfigError('LOG_FORMAT must contain $context.requestId, as API Gateway requires');
  }
  return format;
}

function readLatencyBuckets(env: Env): LatencyBuckets {
  const text = setting(env, 'LATENCY_BUCKETS_MS') ?? DEFAULT_LATENCY_BUCKETS_MS;
  const parts = text.split(',').map((part) => part.trim());
  const bounds = parts.map(Number);
  const valid =
    parts.length >= 1 &&
    parts.length <= 20 &&
    parts.every((part) => /^\d+$/.test(part)) &&
    bounds.every((bound, i) => bound > 0 && (i === 0 || bound > (bounds[i - 1] as number)));
  if (!valid) {
    throw new ConfigError(
      `LATENCY_BUCKETS_MS must be 1 to 20 ascending positive integers separated by commas, like "${DEFAULT_LATENCY_BUCKETS_MS}"; got "${text}"`,
    );
  }
  return latencyBuckets(bounds);
}

/**
 * The SOURCE_IP policy. For `hash`, the key is SOURCE_IP_HASH_KEY (local runs) or, as the template
 * deploys it, the secret SOURCE_IP_HASH_KEY_SECRET_ARN names, so the key is never in the
 * function's configuration.
 */
function readSourceIp(env: Env): Pick<Config, 'sourceIp' | 'sourceIpHashKeySecretArn'> {
  const mode = oneOf(env, 'SOURCE_IP', ['keep', 'truncate', 'hash'] as const, 'keep');
  if (mode !== 'hash') return { sourceIp: { mode } };
  const key = setting(env, 'SOURCE_IP_HASH_KEY');
  const arn = setting(env, 'SOURCE_IP_HASH_KEY_SECRET_ARN');
  if (key) {
    if (key.length < MIN_HASH_KEY_LENGTH) {
      throw new ConfigError(
        `SOURCE_IP_HASH_KEY must be a secret of at least ${MIN_HASH_KEY_LENGTH} characters`,
      );
    }
    return { sourceIp: { mode, key } };
  }
  if (arn) {
    if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
      throw new ConfigError(
        `SOURCE_IP_HASH_KEY_SECRET_ARN must be the ARN of a Secrets Manager secret; got "${arn}"`,
      );
    }
    return { sourceIp: { mode, key: '' }, sourceIpHashKeySecretArn: arn };
  }
  throw new ConfigError(
    'SOURCE_IP_HASH_KEY_SECRET_ARN (or SOURCE_IP_HASH_KEY) must be set when SOURCE_IP is hash',
  );
}

/** The settings that hold rules. */
const RULE_SETTINGS = ['DROP_EVENTS', 'SAMPLE', 'REDACT', 'DROP_FIELDS'] as const;

/**
 * Whether the environment sets a rule: its parsers are the object path's (on-demand.ts), which
 * must then be loaded before readConfig.
 */
export const namesRules = (env: Env): boolean => RULE_SETTINGS.some((name) => env[name]?.trim());

const NO_RULES: RuleSettings = { drop: [], sample: [], redact: [], dropFields: [] };

/** Whether any rule is set: without one, every event is kept as it is (the common case). */
export const hasRules = (settings: RuleSettings) =>
  settings.drop.length +
    settings.sample.length +
    settings.redact.length +
    settings.dropFields.length >
  0;

function readRules(env: Env, logFormat: string): RuleSettings {
  if (!namesRules(env)) return NO_RULES;
  const { eventFields, parseDropEvents, parseDropFields, parseRedact, parseSample } = objectPath();
  // The fields rules are checked against, only when a rule names one.
  const named = [env.DROP_EVENTS, env.SAMPLE, env.DROP_FIELDS].some((text) => text?.trim());
  const known = named ? eventFields(logFormat) : undefined;
  return {
    drop: parseDropEvents(env.DROP_EVENTS, known),
    sample: parseSample(env.SAMPLE, known),
    redact: parseRedact(env.REDACT),
    dropFields: parseDropFields(env.DROP_FIELDS, known),
  };
}

/** Powertools' log levels (any case); anything else would be taken silently as INFO. */
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

function checkLogLevel(env: Env): void {
  const level = setting(env, 'POWERTOOLS_LOG_LEVEL');
  if (level && !(LOG_LEVELS as readonly string[]).includes(level.toUpperCase())) {
    throw new ConfigError(
      `POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${level}"`,
    );
  }
}

/** Reads and checks every setting. Throws ConfigError, naming the variable, on the first bad one. */
export function readConfig(env: Env): Config {
  checkLogLevel(env);
  const logFormat = readLogFormat(env);
  return {
    logFormat,
    unknownVariables: unknownVariables(formatVariables(logFormat)),
    onParseError: oneOf(env, 'ON_PARSE_ERROR', ['keep', 'fail', 'drop'] as const, 'keep'),
    latencyBuckets: readLatencyBuckets(env),
    ...readSourceIp(env),
    rules: readRules(env, logFormat),
  };
}

/**
 * Every setting read and checked as the function's init does it, with the rules' expressions
 * compiled: what the init refuses, this refuses, with the same message. The secrets a setting
 * names are not read here (src/secrets.ts reads them). The function's init (lambda.ts) and the
 * deploy's check of the settings (settings-check.ts) both start with it.
 */
export async function readSettings(env: Env): Promise<Config> {
  // With a rule set every line takes the object path, and its parsers read the rules.
  if (namesRules(env)) await loadObjectPath();
  const config = readConfig(env);
  if (hasRules(config.rules)) await objectPath().compileUserPatterns(config.rules);
  return config;
}
