/**
 * REST API stages and where their access logs go (GetRestApis, GetRestApi, GetStages, GetStage, UpdateStage).
 * Only REST APIs log to Firehose, and only to streams named `amazon-apigateway-…`
 * (docs/contracts.md §2).
 */
import {
  type APIGatewayClient,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { errorName } from './clients';

/** One REST API stage and where its access logs go. */
export interface StageLogging {
  readonly restApiId: string;
  readonly apiName: string;
  readonly stage: string;
  readonly destinationArn?: string;
  readonly format?: string;
  /** Its execution logging level (`OFF`, `ERROR`, `INFO`), for all its methods. */
  readonly executionLevel?: string;
  /**
   * Whether it writes full requests and responses into its execution log (data tracing), for all
   * its methods or for one of them.
   */
  readonly dataTrace?: boolean;
  /** Methods with settings of their own (the console's "Override for this method"). */
  readonly overrides?: readonly MethodOverride[];
}

/** A method's own logging settings: `key` as in a stage's methodSettings (`~1pets/GET`). */
export interface MethodOverride {
  readonly key: string;
  readonly level: string;
  readonly dataTrace: boolean;
}

type MethodSettings = Record<string, { loggingLevel?: string; dataTraceEnabled?: boolean }>;

/** A stage's execution-logging settings: for all its methods, and each method's own. */
function executionSettings(methodSettings: MethodSettings | undefined) {
  const settings = methodSettings ?? {};
  const overrides = Object.entries(settings)
    .filter(([key]) => key !== '*/*')
    .map(([key, method]) => ({
      key,
      level: method.loggingLevel ?? 'OFF',
      dataTrace: method.dataTraceEnabled === true,
    }));
  return {
    executionLevel: settings['*/*']?.loggingLevel,
    dataTrace:
      settings['*/*']?.dataTraceEnabled === true || overrides.some((method) => method.dataTrace),
    overrides,
  };
}

export const STREAM_PREFIX = 'amazon-apigateway-';

/** Every stage of every REST API in the region (HTTP APIs cannot log to Firehose, §2). */
export async function listStages(apiGateway: APIGatewayClient): Promise<StageLogging[]> {
  const stages: StageLogging[] = [];
  let position: string | undefined;
  do {
    const page = await apiGateway.send(new GetRestApisCommand({ limit: 500, position }));
    for (const api of page.items ?? []) {
      const { item } = await apiGateway.send(new GetStagesCommand({ restApiId: api.id }));
      for (const stage of item ?? []) {
        stages.push({
          restApiId: api.id as string,
          apiName: api.name ?? '',
          stage: stage.stageName as string,
          destinationArn: stage.accessLogSettings?.destinationArn,
          format: stage.accessLogSettings?.format,
          ...executionSettings(stage.methodSettings),
        });
      }
    }
    position = page.position;
  } while (position);
  return stages;
}

/** One stage's access-log settings, or undefined when the API has no such stage. */
export async function getStage(
  apiGateway: APIGatewayClient,
  restApiId: string,
  stage: string,
): Promise<StageLogging | undefined> {
  try {
    const found = await apiGateway.send(new GetStageCommand({ restApiId, stageName: stage }));
    // Its API's name, for the lines people read.
    const api = await apiGateway.send(new GetRestApiCommand({ restApiId }));
    return {
      restApiId,
      apiName: api.name ?? '',
      stage,
      destinationArn: found.accessLogSettings?.destinationArn,
      format: found.accessLogSettings?.format,
      ...executionSettings(found.methodSettings),
    };
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** A stage's access logs to a destination with a format. */
export async function setAccessLogs(
  apiGateway: APIGatewayClient,
  stage: Pick<StageLogging, 'restApiId' | 'stage'>,
  destinationArn: string,
  format: string,
): Promise<void> {
  await apiGateway.send(
    new UpdateStageCommand({
      restApiId: stage.restApiId,
      stageName: stage.stage,
      patchOperations: [
        { op: 'replace', path: '/accessLogSettings/destinationArn', value: destinationArn },
        { op: 'replace', path: '/accessLogSettings/format', value: format },
      ],
    }),
  );
}

/** Where a stage's access logs go, in words. */
export function destinationName(destinationArn: string | undefined, streamArn: string): string {
  if (!destinationArn) return 'nowhere';
  if (destinationArn === streamArn) return 'this stream';
  if (destinationArn.startsWith('arn:aws:logs:')) return 'CloudWatch Logs';
  return destinationArn.slice(destinationArn.lastIndexOf('/') + 1);
}

/** A stage as people name it: `pets (a1b2c3) prod`. */
export const stageLabel = (stage: StageLogging) =>
  `${stage.apiName ? `${stage.apiName} ` : ''}(${stage.restApiId}) ${stage.stage}`;
