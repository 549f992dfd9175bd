/**
 * A delivery stream as the commands need it, read with one DescribeDeliveryStream: its
 * destination, the Lambda processor and its parameters, the role that invokes it, the S3 backup
 * (docs/contracts.md §3, §4).
 */
import {
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type DestinationDescription,
  type FirehoseClient,
  type ProcessingConfiguration,
  type Processor,
} from '@aws-sdk/client-firehose';
import { RefusedError, UsageError } from '../cli/errors';
import { errorName } from './clients';

/** Destination kinds `attach` updates: description field → update field, and a name for people. */
export const DESTINATIONS = [
  ['HttpEndpointDestinationDescription', 'HttpEndpointDestinationUpdate', 'HTTP endpoint'],
  ['ExtendedS3DestinationDescription', 'ExtendedS3DestinationUpdate', 'Amazon S3'],
] as const;

type Kind = (typeof DESTINATIONS)[number];

/** The part of a destination's description the commands read. */
export interface DestinationSettings {
  readonly ProcessingConfiguration?: ProcessingConfiguration;
  readonly RoleARN?: string;
  readonly EndpointConfiguration?: { readonly Url?: string };
  readonly S3BackupMode?: string;
  readonly S3DestinationDescription?: {
    readonly BucketARN?: string;
    readonly ErrorOutputPrefix?: string;
  };
  readonly S3Configuration?: { readonly BucketARN?: string; readonly ErrorOutputPrefix?: string };
  /** How long the destination buffers records before a delivery (doctor's flow). */
  readonly BufferingHints?: { readonly IntervalInSeconds?: number; readonly SizeInMBs?: number };
}

export interface StreamFacts {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly status: string;
  readonly versionId?: string;
  readonly destination?: DestinationDescription;
  /** The destination's kind when `attach` can update it. */
  readonly kind?: Kind;
  /** The destination's settings when `attach` can update it; else empty. */
  readonly settings: DestinationSettings;
  /** The settings of an HTTP endpoint destination (OpenObserve's). */
  readonly http?: DestinationSettings;
  /** Set for an HTTP endpoint destination. */
  readonly endpointUrl?: string;
  /** The enabled Lambda processor. */
  readonly lambda?: Processor;
  /**
   * Firehose's own CloudWatch Logs decompression is on: the stream then takes CloudWatch Logs
   * subscriptions only, and vended logs sent to it fail (docs/contracts.md §3.1).
   */
  readonly decompression: boolean;
  readonly functionArn?: string;
  /** The role Firehose invokes the processor with: the processor's RoleArn, else the stream's. */
  readonly roleArn?: string;
  readonly bucketArn?: string;
  /** The backup's ErrorOutputPrefix: failed records go under it rather than the defaults. */
  readonly errorOutputPrefix?: string;
}

/** A processor parameter's value (`LambdaArn`, `BufferSizeInMBs`, `RoleArn`, …). */
export const parameter = (processor: Processor | undefined, name: string) =>
  processor?.Parameters?.find((p) => p.ParameterName === name)?.ParameterValue;

/** Whether a processing configuration decompresses CloudWatch Logs records (§3.1). */
export const decompresses = (config: ProcessingConfiguration | undefined) =>
  Boolean(config?.Enabled && config.Processors?.some((p) => p.Type === 'Decompression'));

/** The Lambda processor of a processing configuration, when processing is enabled. */
export const lambdaProcessor = (config: ProcessingConfiguration | undefined) =>
  config?.Enabled ? config.Processors?.find((p) => p.Type === 'Lambda') : undefined;

export function streamFacts(stream: DeliveryStreamDescription): StreamFacts {
  const destination = stream.Destinations?.[0];
  const kind = DESTINATIONS.find(([field]) => destination?.[field] !== undefined);
  const settings = ((kind && destination?.[kind[0]]) ?? {}) as DestinationSettings;
  const http = destination?.HttpEndpointDestinationDescription as DestinationSettings | undefined;
  const lambda = lambdaProcessor(settings.ProcessingConfiguration);
  return {
    name: stream.DeliveryStreamName ?? '',
    arn: stream.DeliveryStreamARN ?? '',
    region: stream.DeliveryStreamARN?.split(':')[3] ?? '',
    status: stream.DeliveryStreamStatus ?? '',
    versionId: stream.VersionId,
    destination,
    kind,
    settings,
    http,
    endpointUrl: http?.EndpointConfiguration?.Url,
    lambda,
    decompression: decompresses(settings.ProcessingConfiguration),
    functionArn: parameter(lambda, 'LambdaArn'),
    roleArn: parameter(lambda, 'RoleArn') ?? settings.RoleARN,
    bucketArn: settings.S3DestinationDescription?.BucketARN ?? settings.S3Configuration?.BucketARN,
    errorOutputPrefix:
      settings.S3DestinationDescription?.ErrorOutputPrefix ??
      settings.S3Configuration?.ErrorOutputPrefix,
  };
}

/** The stream, or undefined when there is none of that name. */
export async function findStream(
  firehose: FirehoseClient,
  name: string,
): Promise<StreamFacts | undefined> {
  try {
    const { DeliveryStreamDescription } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
    );
    return DeliveryStreamDescription ? streamFacts(DeliveryStreamDescription) : undefined;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/**
 * The stream, or a refusal naming it: a command cannot change what is not there. `given`, the
 * `--stream` text: an ARN there must be the stream found, not another account's of its name.
 */
export async function requireStream(
  firehose: FirehoseClient,
  name: string,
  given?: string,
): Promise<StreamFacts> {
  const stream = await findStream(firehose, name);
  if (!stream)
    throw new RefusedError(`no delivery stream named ${name} in this account and region`);
  return sameStream(stream, given);
}

/** The stream found, refused when `--stream` gave an ARN it is not (another account's stream). */
export function sameStream(stream: StreamFacts, given: string | undefined): StreamFacts {
  if (given?.startsWith('arn:') && stream.arn !== given) {
    throw new RefusedError(
      `--stream ${given} is not ${stream.arn}, the stream of that name these credentials reach: use credentials of the account in its ARN`,
    );
  }
  return stream;
}

/** A stream's name from `--stream`: the name, or the name at the end of its ARN. */
export const streamName = (text: string): string => text.slice(text.lastIndexOf('/') + 1);

/**
 * The region a command works in: `--region`, or the one in `--stream`'s ARN (a stream of the same
 * name elsewhere is another stream); a usage error when the two differ.
 */
export function streamRegion(stream: string, region: string | undefined): string | undefined {
  const inArn = stream.startsWith('arn:') ? stream.split(':')[3] || undefined : undefined;
  if (region && inArn && region !== inArn) {
    throw new UsageError(`--stream ${stream} is in ${inArn}, not in --region ${region}`);
  }
  return region ?? inArn;
}
