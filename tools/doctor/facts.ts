/**
 * What doctor knows about the pipeline, read from AWS once, when a check first asks (tools/aws/):
 * the stream, its stages, the processor function and its settings, metrics and failed objects.
 * A fact that could not be read holds the error, so each check can say what it could not see.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { ConfigError, compileUserPatterns, DEFAULT_FORMAT, readConfig } from '../../src/surface';
import type { AwsClients } from '../aws/clients';
import { type Deliveries, readDeliveries } from '../aws/execution-logs';
import { findFunction, settingsOf } from '../aws/lambda';
import { type MetricQuery, metricValue } from '../aws/metrics';
import { getStage, listStages, type StageLogging } from '../aws/stages';
import { findStream, type StreamFacts, sameStream } from '../aws/stream';
import { publicUrl } from '../cli/url';
import type { Credentials } from '../openobserve/api';
import type { Check } from './check';

export interface DoctorOptions {
  /** Delivery stream name. */
  readonly stream: string;
  /** `--stream` as given: an ARN there must be the stream found (not another account's). */
  readonly given?: string;
  readonly region?: string;
  readonly restApiId?: string;
  readonly stage?: string;
  readonly allStages: boolean;
  readonly sinceMs: number;
  /** With --probe: the Firehose access key, and OpenObserve user credentials if there are any. */
  readonly probe?: { readonly accessKey: string; readonly user?: Credentials };
  readonly now: number;
  /** Waits between searches for the probe; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type DoctorClients = Pick<
  AwsClients,
  'apiGateway' | 'firehose' | 'lambda' | 'iam' | 's3' | 'cloudWatch' | 'logs'
>;

export type Fact<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** The stages doctor looks at: the one named, or every stage of the region. */
export type StagesFact =
  | { readonly mode: 'one'; readonly stage: StageLogging | undefined }
  | { readonly mode: 'all'; readonly all: readonly StageLogging[] };

function once<T>(read: () => Promise<T>): () => Promise<Fact<T>> {
  let fact: Promise<Fact<T>> | undefined;
  return () => {
    fact ??= read().then(
      (value) => ({ ok: true, value }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
    return fact;
  };
}

export class Facts {
  readonly stream: () => Promise<Fact<StreamFacts | undefined>>;
  readonly stages: () => Promise<Fact<StagesFact>>;
  /** The processor function; undefined when the stream names none. */
  readonly function: () => Promise<Fact<FunctionConfiguration | undefined>>;
  /** Why the processor cannot start with its settings; undefined when it can. */
  readonly settingsError: () => Promise<Fact<ConfigError | undefined>>;
  /** The account's log deliveries (vended logs): which stages and sources deliver where. */
  readonly deliveries: () => Promise<Fact<Deliveries>>;
  /**
   * The stream's DeliveryToS3.Success over --since (undefined: no writes): below 1, some writes to
   * the backup failed (Firehose retries them), 0 all of them.
   */
  readonly backupWrites: () => Promise<Fact<number | undefined>>;

  constructor(
    readonly options: DoctorOptions,
    readonly clients: DoctorClients,
  ) {
    this.stream = once(async () => {
      const found = await findStream(clients.firehose, options.stream);
      return found && sameStream(found, options.given);
    });
    this.stages = once(async (): Promise<StagesFact> => {
      if (options.restApiId && options.stage) {
        return {
          mode: 'one',
          stage: await getStage(clients.apiGateway, options.restApiId, options.stage),
        };
      }
      return { mode: 'all', all: await listStages(clients.apiGateway) };
    });
    this.function = once(async () => {
      const arn = (await this.streamFacts())?.functionArn;
      return arn ? findFunction(clients.lambda, arn) : undefined;
    });
    this.deliveries = once(() => readDeliveries(clients.logs));
    this.backupWrites = once(() =>
      this.metric({
        namespace: 'AWS/Firehose',
        name: 'DeliveryToS3.Success',
        dimensions: [{ Name: 'DeliveryStreamName', Value: options.stream }],
        statistic: 'Average',
      }),
    );
    this.settingsError = once(async () => {
      const fn = await this.processorFunction();
      if (!fn) return undefined;
      try {
        const config = readConfig(settingsOf(fn));
        await compileUserPatterns(config.rules);
        // The function's Secrets Manager client is regional: a secret of another region stops
        // its init (docs/fleet.md), which readConfig cannot see. Only one the settings read.
        const secretRegion = config.sourceIpHashKeySecretArn?.split(':')[3];
        const region = fn.FunctionArn?.split(':')[3];
        if (secretRegion && region && secretRegion !== region) {
          return new ConfigError(
            `SOURCE_IP_HASH_KEY_SECRET_ARN names a secret in ${secretRegion}: the function, in ${region}, cannot read it at init; give the ARN of a replica in ${region}`,
          );
        }
        return undefined;
      } catch (error) {
        if (error instanceof ConfigError) return error;
        throw error;
      }
    });
  }

  /** The stream when it could be read and exists. */
  async streamFacts(): Promise<StreamFacts | undefined> {
    const fact = await this.stream();
    return fact.ok ? fact.value : undefined;
  }

  /** The processor function when it could be read and exists. */
  async processorFunction(): Promise<FunctionConfiguration | undefined> {
    const fact = await this.function();
    return fact.ok ? fact.value : undefined;
  }

  /** The stream's endpoint as the checks print it: never with a user name or password. */
  async endpoint(): Promise<string> {
    return publicUrl((await this.streamFacts())?.endpointUrl ?? '');
  }

  /** The stages that log to the stream (none when they could not be read). */
  async loggingStages(): Promise<readonly StageLogging[]> {
    const arn = (await this.streamFacts())?.arn ?? '';
    const fact = await this.stages();
    if (!fact.ok || arn === '') return [];
    const stages = fact.value.mode === 'one' ? [fact.value.stage] : fact.value.all;
    return stages.filter((stage): stage is StageLogging => stage?.destinationArn === arn);
  }

  /** The LOG_FORMAT the processor reads with. */
  async logFormat(): Promise<string> {
    return settingsOf(await this.processorFunction()).LOG_FORMAT || DEFAULT_FORMAT;
  }

  /** One metric over --since. */
  metric(query: MetricQuery): Promise<number | undefined> {
    return metricValue(this.clients.cloudWatch, query, {
      endMs: this.options.now,
      lengthMs: this.options.sinceMs,
    });
  }

  /** `--since` for people: `60 min`. */
  get since(): string {
    return `${Math.round(this.options.sinceMs / 60_000)} min`;
  }
}

/** A metric's value for people. */
export const show = (value: number | undefined, unit = '') =>
  value === undefined ? 'no data' : `${Math.round(value * 100) / 100}${unit && ` ${unit}`}`;

/** One check over the facts; undefined when it does not apply (no stream, no function). */
export type DoctorCheck = (facts: Facts) => Promise<Check | undefined>;

/**
 * Text as one word of a POSIX shell command, for a fix to copy: in single quotes when it holds
 * anything but letters, digits and `-_./:=,@` (a format's `$context`, spaces, quotes).
 */
export const shellWord = (text: string) =>
  /^[\w./:=,@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;

/** How to point a stage at the stream. */
export const enrollFix = (stream: string, stage = '<stage>', api = '<rest-api-id>') =>
  `npm run stage-logs -- --rest-api-id ${api} --stage ${stage} --stream ${stream}`;
