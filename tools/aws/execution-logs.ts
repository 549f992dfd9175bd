/**
 * A REST stage's execution logs (what API Gateway did for each request): the stage's logging
 * level, and the CloudWatch Logs delivery that sends them to a delivery stream: a delivery source
 * for the stage, the stream as delivery destination, a delivery between them
 * (docs/contracts.md §8). Data tracing, which logs request and response bodies, stays off.
 */
import { createHash } from 'node:crypto';
import {
  type APIGatewayClient,
  GetAccountCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import {
  type CloudWatchLogsClient,
  CreateDeliveryCommand,
  CreateLogGroupCommand,
  DeleteDeliveryCommand,
  DeleteDeliverySourceCommand,
  type Delivery,
  type DeliveryDestination,
  type DeliverySource,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  PutRetentionPolicyCommand,
  paginateDescribeDeliveries,
  paginateDescribeDeliveryDestinations,
  paginateDescribeDeliverySources,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  type FirehoseClient,
  ListTagsForDeliveryStreamCommand,
  TagDeliveryStreamCommand,
} from '@aws-sdk/client-firehose';
import { errorName } from './clients';

export const EXECUTION_LEVELS = ['OFF', 'ERROR', 'INFO'] as const;
export type ExecutionLevel = (typeof EXECUTION_LEVELS)[number];

/** The stage as a delivery source names it. */
export const stageArn = (streamArn: string, restApiId: string, stage: string) => {
  const [, partition, , region, account] = streamArn.split(':');
  return `arn:${partition}:apigateway:${region}:${account}:/restapis/${restApiId}/stages/${stage}`;
};

/**
 * Delivery names: letters, digits, `-` and `_`, at most 60 characters. A name that had to change
 * to fit ends in a hash of the whole text: two long stage names with the same first 43 characters
 * (or `a.b` and `a-b`) would otherwise share a source, and one stage take the other's.
 */
function deliveryName(text: string): string {
  const name = text.replace(/[^\w-]/g, '-');
  if (name === text && name.length <= 60) return name;
  return `${name.slice(0, 51)}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}
export const sourceNameOf = (restApiId: string, stage: string) =>
  deliveryName(`apigw-${restApiId}-${stage}-execution`);
export const destinationNameOf = (streamArn: string) =>
  deliveryName(`firehose-${streamArn.slice(streamArn.lastIndexOf('/') + 1)}`);

export interface LogsClients {
  readonly apiGateway: APIGatewayClient;
  readonly logs: CloudWatchLogsClient;
  readonly firehose: FirehoseClient;
}

/** The role API Gateway writes execution logs with; without it a stage cannot log them. */
export async function accountLogsRole(apiGateway: APIGatewayClient): Promise<string | undefined> {
  return (await apiGateway.send(new GetAccountCommand({}))).cloudwatchRoleArn || undefined;
}

/** The account's log deliveries (vended logs), as the commands ask of them. */
export interface Deliveries {
  /** Whether a delivery sends the stage's execution logs to the stream. */
  readonly delivers: (stage: string, streamArn: string) => boolean;
  /** The delivery sources, of any log type, with a delivery to the stream. */
  readonly sourcesTo: (streamArn: string) => string[];
  /** The other Firehose streams a delivery sends the stage's execution logs to. */
  readonly elsewhere: (stage: string, streamArn: string) => string[];
}

/** A Firehose delivery stream's ARN (a delivery destination may be a log group or a bucket). */
const isStreamArn = (arn: string | undefined): arn is string =>
  arn?.startsWith('arn:') === true && arn.includes(':firehose:');

/** The names of the stage's execution-log delivery sources, whoever made them. */
const stageSources = (sources: readonly DeliverySource[], stage: string) =>
  sources
    .filter((s) => s.logType === 'EXECUTION_LOGS' && s.resourceArns?.includes(stage))
    .map((s) => s.name ?? '');

/** Every delivery of the account: the list comes 50 to a page. */
async function allDeliveries(logs: CloudWatchLogsClient): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for await (const page of paginateDescribeDeliveries({ client: logs }, {})) {
    deliveries.push(...(page.deliveries ?? []));
  }
  return deliveries;
}

/** Every delivery destination of the account, page by page. */
async function allDestinations(logs: CloudWatchLogsClient): Promise<DeliveryDestination[]> {
  const destinations: DeliveryDestination[] = [];
  for await (const page of paginateDescribeDeliveryDestinations({ client: logs }, {})) {
    destinations.push(...(page.deliveryDestinations ?? []));
  }
  return destinations;
}

/** Every delivery source of the account, page by page. */
async function allSources(logs: CloudWatchLogsClient): Promise<DeliverySource[]> {
  const sources: DeliverySource[] = [];
  for await (const page of paginateDescribeDeliverySources({ client: logs }, {})) {
    sources.push(...(page.deliverySources ?? []));
  }
  return sources;
}

/**
 * The account's log deliveries, read once (three lists, each page by page), for as many stages
 * and streams as asked.
 */
export async function readDeliveries(logs: CloudWatchLogsClient): Promise<Deliveries> {
  const sources = await allSources(logs);
  const destinations = await allDestinations(logs);
  const deliveries = await allDeliveries(logs);
  const sourcesTo = (streamArn: string) => {
    const toStream = destinations
      .filter((d) => d.deliveryDestinationConfiguration?.destinationResourceArn === streamArn)
      .map((d) => d.arn);
    return deliveries
      .filter((d) => toStream.includes(d.deliveryDestinationArn))
      .map((d) => d.deliverySourceName ?? '');
  };
  return {
    delivers(stage, streamArn) {
      const names = stageSources(sources, stage);
      return sourcesTo(streamArn).some((name) => names.includes(name));
    },
    sourcesTo,
    elsewhere(stage, streamArn) {
      const names = stageSources(sources, stage);
      const streams = deliveries
        .filter((d) => names.includes(d.deliverySourceName ?? ''))
        .map(
          (d) =>
            destinations.find((each) => each.arn === d.deliveryDestinationArn)
              ?.deliveryDestinationConfiguration?.destinationResourceArn,
        )
        .filter((arn) => isStreamArn(arn) && arn !== streamArn) as string[];
      return [...new Set(streams)];
    },
  };
}

/**
 * The stage's logging level, data tracing off, for all its methods and for each method with
 * settings of its own: one left tracing would send whole requests and responses to the stream.
 */
export async function setExecutionLevel(
  apiGateway: APIGatewayClient,
  stage: {
    readonly restApiId: string;
    readonly stage: string;
    readonly overrides?: readonly { readonly key: string }[];
  },
  level: ExecutionLevel,
): Promise<void> {
  const paths = ['/*/*', ...(stage.overrides ?? []).map((method) => `/${method.key}`)];
  await apiGateway.send(
    new UpdateStageCommand({
      restApiId: stage.restApiId,
      stageName: stage.stage,
      patchOperations: paths.flatMap((path) => [
        { op: 'replace' as const, path: `${path}/logging/loglevel`, value: level },
        { op: 'replace' as const, path: `${path}/logging/dataTrace`, value: 'false' },
      ]),
    }),
  );
}

/**
 * The logging levels a stage had, for all its methods and each method with settings of its own,
 * set again (data tracing stays off): what undoes setExecutionLevel when its delivery failed.
 */
export async function restoreExecutionLevels(
  apiGateway: APIGatewayClient,
  stage: {
    readonly restApiId: string;
    readonly stage: string;
    readonly executionLevel?: string;
    readonly overrides?: readonly { readonly key: string; readonly level: string }[];
  },
): Promise<void> {
  const levels = [
    ['/*/*', stage.executionLevel ?? 'OFF'],
    ...(stage.overrides ?? []).map((method) => [`/${method.key}`, method.level]),
  ];
  await apiGateway.send(
    new UpdateStageCommand({
      restApiId: stage.restApiId,
      stageName: stage.stage,
      patchOperations: levels.map(([path, value]) => ({
        op: 'replace' as const,
        path: `${path}/logging/loglevel`,
        value,
      })),
    }),
  );
}

/** The delivery destinations that are Firehose streams: each one's ARN and its stream's. */
async function destinationStreams(logs: CloudWatchLogsClient): Promise<Map<string, string>> {
  const streams = new Map<string, string>();
  for (const each of await allDestinations(logs)) {
    const arn = each.deliveryDestinationConfiguration?.destinationResourceArn;
    if (each.arn && isStreamArn(arn)) streams.set(each.arn, arn);
  }
  return streams;
}

/**
 * The stage's execution logs delivered to the stream, and to no other: its delivery source (one
 * that is there already, whoever made it, else one of its own name), the stream as destination
 * and the delivery between them. A delivery of the stage's to another stream is removed first
 * (the plan says so): a source takes one delivery to a destination of each type.
 */
export async function deliverExecutionLogs(
  logs: CloudWatchLogsClient,
  stage: { readonly restApiId: string; readonly stage: string },
  streamArn: string,
): Promise<void> {
  const resourceArn = stageArn(streamArn, stage.restApiId, stage.stage);
  const [name = sourceNameOf(stage.restApiId, stage.stage)] = stageSources(
    await allSources(logs),
    resourceArn,
  );
  await logs.send(new PutDeliverySourceCommand({ name, resourceArn, logType: 'EXECUTION_LOGS' }));
  const { deliveryDestination } = await logs.send(
    new PutDeliveryDestinationCommand({
      name: destinationNameOf(streamArn),
      outputFormat: 'json',
      deliveryDestinationConfiguration: { destinationResourceArn: streamArn },
    }),
  );
  const ofSource = (await allDeliveries(logs)).filter((d) => d.deliverySourceName === name);
  if (ofSource.some((d) => d.deliveryDestinationArn === deliveryDestination?.arn)) return;
  const streams = await destinationStreams(logs);
  for (const other of ofSource.filter((d) => streams.has(d.deliveryDestinationArn ?? ''))) {
    await logs.send(new DeleteDeliveryCommand({ id: other.id }));
  }
  await logs.send(
    new CreateDeliveryCommand({
      deliverySourceName: name,
      deliveryDestinationArn: deliveryDestination?.arn,
    }),
  );
}

/**
 * The stage's execution logs delivered to no stream: the deliveries of its sources to Firehose
 * streams removed, whoever made them (a stack's too: else they would read back as delivered), and
 * the source of its own name. Deliveries to a bucket or a log group are another's business.
 */
export async function stopExecutionDelivery(
  logs: CloudWatchLogsClient,
  stage: { readonly restApiId: string; readonly stage: string },
  streamArn: string,
): Promise<void> {
  const own = sourceNameOf(stage.restApiId, stage.stage);
  const sources = await allSources(logs);
  const names = stageSources(sources, stageArn(streamArn, stage.restApiId, stage.stage));
  const streams = await destinationStreams(logs);
  const deliveries = (await allDeliveries(logs)).filter(
    (d) =>
      names.includes(d.deliverySourceName ?? '') && streams.has(d.deliveryDestinationArn ?? ''),
  );
  for (const delivery of deliveries) {
    await logs.send(new DeleteDeliveryCommand({ id: delivery.id }));
  }
  if (sources.some((source) => source.name === own)) {
    await logs.send(new DeleteDeliverySourceCommand({ name: own }));
  }
}

/** CloudWatch Logs delivers vended logs only to a stream tagged `LogDeliveryEnabled=true`. */
export async function streamTaggedForDelivery(
  firehose: FirehoseClient,
  streamArn: string,
): Promise<boolean> {
  const name = streamArn.slice(streamArn.lastIndexOf('/') + 1);
  const { Tags } = await firehose.send(
    new ListTagsForDeliveryStreamCommand({ DeliveryStreamName: name }),
  );
  return (Tags ?? []).some((tag) => tag.Key === 'LogDeliveryEnabled' && tag.Value === 'true');
}

export async function tagForDelivery(firehose: FirehoseClient, streamArn: string): Promise<void> {
  await firehose.send(
    new TagDeliveryStreamCommand({
      DeliveryStreamName: streamArn.slice(streamArn.lastIndexOf('/') + 1),
      Tags: [{ Key: 'LogDeliveryEnabled', Value: 'true' }],
    }),
  );
}

/**
 * The log group API Gateway writes a stage's execution logs to besides any delivery, creating it
 * without a retention (it keeps every line for ever) when it does not exist (docs/contracts.md §8).
 */
export const executionLogGroup = (restApiId: string, stage: string) =>
  `API-Gateway-Execution-Logs_${restApiId}/${stage}`;

/** Days a group this project creates keeps its lines when no other number is given. */
export const DEFAULT_EXECUTION_LOG_DAYS = 30;

/** The retention CloudWatch Logs takes, in days. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** A log group's retention in days: 'forever' when it has none, undefined when there is no group. */
export async function groupRetention(
  logs: CloudWatchLogsClient,
  group: string,
): Promise<number | 'forever' | undefined> {
  for await (const page of paginateDescribeLogGroups(
    { client: logs },
    { logGroupNamePrefix: group },
  )) {
    const found = page.logGroups?.find((each) => each.logGroupName === group);
    if (found) return found.retentionInDays ?? 'forever';
  }
  return undefined;
}

/** The group, created if it is not there, keeps its lines `days` days. */
export async function keepGroupFor(
  logs: CloudWatchLogsClient,
  group: string,
  days: number,
): Promise<void> {
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  } catch (error) {
    if (errorName(error) !== 'ResourceAlreadyExistsException') throw error;
  }
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: days }));
}
