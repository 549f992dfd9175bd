/**
 * What `npm run stage-logs` changes, planned from what it reads first: a stage's (or every stage's)
 * access-log destination and format, and with --execution-logs their execution logs and the log
 * delivery to the stream (docs/contracts.md §2, §8).
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import {
  API_KEY_VARIABLE,
  API_KEY_WHY,
  ConfigError,
  closestVariable,
  DEFAULT_FORMAT,
  formatName,
  formatVariables,
  MAX_FORMAT_BYTES,
  readConfig,
  unknownVariables,
  variableFields,
} from '../../src/surface';
import {
  accountLogsRole,
  DEFAULT_EXECUTION_LOG_DAYS,
  deliverExecutionLogs,
  type ExecutionLevel,
  executionLogGroup,
  groupRetention,
  keepGroupFor,
  readDeliveries,
  restoreExecutionLevels,
  setExecutionLevel,
  stageArn,
  stopExecutionDelivery,
  streamTaggedForDelivery,
  tagForDelivery,
} from '../aws/execution-logs';
import {
  destinationName,
  getStage,
  listStages,
  STREAM_PREFIX,
  type StageLogging,
  setAccessLogs,
  stageLabel,
} from '../aws/stages';
import { requireStream, streamName } from '../aws/stream';
import { RefusedError } from '../cli/errors';
import { table } from '../cli/output';
import type { Change, Plan } from '../cli/plan';

export interface StageLogsOptions {
  readonly restApiId: string;
  readonly stage: string;
  /** Delivery stream name or ARN. */
  readonly stream: string;
  /** The stage's new access-log format; the recommended format when not given. */
  readonly format?: string;
  /** Its execution logs to the stream too, at this level (OFF stops them). */
  readonly executionLogs?: ExecutionLevel;
  /** Days the execution-log group keeps its lines: set even on a group that has a retention. */
  readonly executionLogDays?: number;
}

export interface AllStagesOptions {
  readonly stream: string;
  readonly format?: string;
  readonly executionLogs?: ExecutionLevel;
  readonly executionLogDays?: number;
  /** Also move stages that log somewhere else. */
  readonly takeOver: boolean;
}

export interface StageLogsClients {
  readonly apiGateway: APIGatewayClient;
  readonly firehose: FirehoseClient;
  readonly logs: CloudWatchLogsClient;
}

/** The format a stage will log with, checked by the processor's own rules (§2). */
function checkedFormat(format: string | undefined): string {
  const chosen = format ?? DEFAULT_FORMAT;
  try {
    readConfig({ LOG_FORMAT: chosen });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new RefusedError(error.message.replace('LOG_FORMAT', 'the format'), { cause: error });
    }
    throw error;
  }
  const bytes = Buffer.byteLength(chosen);
  if (bytes > MAX_FORMAT_BYTES) {
    throw new RefusedError(
      `the format is ${bytes} bytes: API Gateway refuses one over ${MAX_FORMAT_BYTES} (3 KB); leave out variables`,
    );
  }
  if (formatVariables(chosen).includes(API_KEY_VARIABLE)) {
    throw new RefusedError(`the format names ${API_KEY_WHY}`);
  }
  return chosen;
}

/** A warning for each variable of the format API Gateway's list does not name (§2.2). */
function formatWarnings(format: string): string[] {
  const fields = variableFields(format);
  return unknownVariables(formatVariables(format)).map(
    (variable) =>
      `warning: the format names $context.${variable}, which API Gateway's list of variables does not (closest: $context.${closestVariable(variable)}); the processor reads it as a string into ${fields.get(variable)}`,
  );
}

/**
 * The stream's ARN, and what to warn of; refused when API Gateway would refuse to log to it, or
 * when it is not ACTIVE.
 */
async function target(firehose: FirehoseClient, stream: string) {
  const name = streamName(stream);
  if (!name.startsWith(STREAM_PREFIX)) {
    throw new RefusedError(
      `${name} does not start with ${STREAM_PREFIX}: API Gateway logs only to streams whose name does, and would refuse this one (docs/contracts.md §2); name a stream that does, such as the one the template creates`,
    );
  }
  const facts = await requireStream(firehose, name, stream);
  if (facts.decompression) {
    // §3.1: such a stream takes CloudWatch Logs subscriptions only.
    throw new RefusedError(
      `delivery stream ${name} has CloudWatch Logs decompression on: it takes CloudWatch Logs subscriptions only, and a stage's access logs or execution-log delivery to it would fail. Turn it off first: npm run attach -- --stream ${name} --function ${facts.functionArn ?? '<function>'} --no-decompression`,
    );
  }
  if (facts.status !== 'ACTIVE') {
    throw new RefusedError(
      `delivery stream ${name} is ${facts.status}, not ACTIVE: rerun when it is`,
    );
  }
  // Without the processor, raw lines reach OpenObserve, which refuses a request holding one
  // (docs/contracts.md §5.2): each batch is retried, then backed up as failed.
  const warnings = facts.lambda
    ? []
    : [
        `warning: delivery stream ${name} has no Lambda processor: its lines would reach OpenObserve as text, which it refuses; attach the function first (npm run attach -- --stream ${name} --function <function>)`,
      ];
  return { arn: facts.arn, warnings };
}

const FORMAT_REMINDER =
  'The processor must read the same format: set its LOG_FORMAT (template parameter LogFormat) to it.';

/** One stage to the stream: what would change, read first. */
export async function planStageLogs(
  options: StageLogsOptions,
  clients: StageLogsClients,
): Promise<Plan> {
  const format = checkedFormat(options.format);
  const { arn, warnings } = await target(clients.firehose, options.stream);
  const stage = await getStage(clients.apiGateway, options.restApiId, options.stage);
  if (!stage) {
    const others = (await listStages(clients.apiGateway))
      .filter((each) => each.restApiId === options.restApiId)
      .map((each) => each.stage);
    throw new RefusedError(
      others.length > 0
        ? `no stage ${options.stage} on REST API ${options.restApiId}; its stages: ${others.join(', ')}`
        : `no REST API ${options.restApiId} with stages in this account and region; only REST APIs log to Firehose (an HTTP API's logs can reach the stream through a CloudWatch Logs subscription: template parameter SubscribeLogGroupName)`,
    );
  }
  // Without --format the stage takes the recommended format: a format of its own is then lost,
  // and the processor's LOG_FORMAT, set to it, no longer reads its lines.
  const replaced =
    options.format === undefined && stage.format !== undefined && stage.format !== format
      ? [
          "warning: the stage's own format is replaced by the recommended one; to keep it, give it with --format",
        ]
      : [];
  const shows = [
    ...warnings,
    ...formatWarnings(format),
    ...replaced,
    `REST API ${options.restApiId}, stage ${options.stage}: access logs`,
    `  destination: ${stage.destinationArn ?? 'none'}`,
    `           →  ${arn}`,
    `  format: ${stage.format ?? 'none'}`,
    `      →  ${format}`,
  ];
  const same = stage.destinationArn === arn && stage.format === format;
  if (!same && stage.destinationArn?.startsWith('arn:aws:logs:')) {
    shows.push(
      '  note: a stage logs to CloudWatch Logs or to Firehose, not both; CloudWatch Logs access logging stops',
    );
  }
  const toStream = streamName(arn);
  const execution = options.executionLogs
    ? await executionPlan(clients, [stage], arn, options.executionLogs, options.executionLogDays)
    : undefined;
  return {
    shows: [...shows, ...(execution?.shows ?? [])],
    changes: [
      ...(same
        ? []
        : [
            {
              describe: `stage ${options.stage} of ${options.restApiId}: access logs → ${toStream}, ${formatName(format)}`,
              apply: () => setAccessLogs(clients.apiGateway, stage, arn, format),
            },
          ]),
      ...(execution?.changes ?? []),
    ],
    afterwards: format !== DEFAULT_FORMAT ? [FORMAT_REMINDER] : [],
    readBack: async () => {
      const access = await readBack(clients, [stage], arn, format);
      return { mismatches: [...access.mismatches, ...((await execution?.readBack()) ?? [])] };
    },
  };
}

const kept = (days: number | 'forever') =>
  days === 'forever' ? 'kept for ever' : `kept ${days} days`;

/**
 * How long each stage's execution-log group keeps its lines, and the changes that bound it. API
 * Gateway writes execution logs to that group too, creating it with no retention: a group not
 * there yet is created with `days` (DEFAULT_EXECUTION_LOG_DAYS when not given); one that keeps its
 * lines for ever, or another number of days, is changed only when `days` is given (it deletes what
 * is older).
 */
async function groupPlan(
  logs: StageLogsClients['logs'],
  stages: readonly StageLogging[],
  days: number | undefined,
) {
  const changes: Change[] = [];
  const shows: string[] = [];
  const expected = new Map<string, number>();
  /** Each group to be created, and whether its change was applied. */
  const bounded = new Map<string, boolean>();
  for (const stage of stages) {
    const group = executionLogGroup(stage.restApiId, stage.stage);
    const now = await groupRetention(logs, group);
    const wanted = now === undefined ? (days ?? DEFAULT_EXECUTION_LOG_DAYS) : days;
    if (wanted === undefined || wanted === now) {
      if (now === 'forever') {
        shows.push(
          `  execution-log group ${group}: kept for ever (--execution-log-days DAYS bounds it)`,
        );
      }
      continue;
    }
    shows.push(
      `  execution-log group ${group}: ${now === undefined ? 'none' : kept(now)} → ${kept(wanted)}`,
    );
    changes.push({
      describe: `${stageLabel(stage)}: execution-log group ${now === undefined ? 'created, ' : ''}${kept(wanted)}`,
      apply: async () => {
        await keepGroupFor(logs, group, wanted);
        bounded.set(group, true);
      },
    });
    expected.set(group, wanted);
    // A group not there yet: API Gateway would create it keeping its lines for ever.
    if (now === undefined) bounded.set(group, false);
  }
  const readBack = async () => {
    const mismatches: string[] = [];
    for (const [group, wanted] of expected) {
      const now = await groupRetention(logs, group);
      if (now !== wanted) mismatches.push(`${group}: retention read back as ${now ?? 'no group'}`);
    }
    return mismatches;
  };
  return { changes, shows, readBack, bounded };
}

/**
 * A stage's execution logging set to `level`, and its delivery to the stream made or removed. Not
 * when its group's retention was planned and did not take (API Gateway would create the group
 * keeping its lines for ever). API Gateway delivers only a stage that logs, so the level comes
 * first; when the delivery then fails, the level is set back: a stage logging to CloudWatch Logs
 * alone is billed and reaches nothing here.
 */
function stageExecutionChange(
  clients: StageLogsClients,
  stage: StageLogging,
  streamArn: string,
  level: ExecutionLevel,
  bounded: ReadonlyMap<string, boolean> | undefined,
): Change {
  const trace = stage.dataTrace ? ', data tracing off' : '';
  return {
    describe: `${stageLabel(stage)}: execution logs ${level}${level === 'OFF' ? '' : ' to the stream'}${trace}`,
    apply: async () => {
      const group = executionLogGroup(stage.restApiId, stage.stage);
      if (bounded?.get(group) === false) {
        throw new Error(`not changed: ${group} could not be created with its retention first`);
      }
      await setExecutionLevel(clients.apiGateway, stage, level);
      if (level === 'OFF') return stopExecutionDelivery(clients.logs, stage, streamArn);
      try {
        await deliverExecutionLogs(clients.logs, stage, streamArn);
      } catch (error) {
        await restoreExecutionLevels(clients.apiGateway, stage);
        throw new Error(
          `${(error as Error).message}; its logging level was set back to ${stage.executionLevel ?? 'OFF'}`,
          { cause: error },
        );
      }
    },
  };
}

/** The stages' execution logging as it reads after the changes, against the level planned. */
async function executionReadBack(
  clients: StageLogsClients,
  stages: readonly StageLogging[],
  streamArn: string,
  level: ExecutionLevel,
): Promise<string[]> {
  const mismatches: string[] = [];
  const deliveredNow = await readDeliveries(clients.logs);
  for (const stage of stages) {
    const now = await getStage(clients.apiGateway, stage.restApiId, stage.stage);
    const arn = stageArn(streamArn, stage.restApiId, stage.stage);
    const delivered = deliveredNow.delivers(arn, streamArn);
    const elsewhere = deliveredNow.elsewhere(arn, streamArn);
    const otherLevels = (now?.overrides ?? []).filter((method) => method.level !== level);
    if (
      (now?.executionLevel ?? 'OFF') !== level ||
      delivered !== (level !== 'OFF') ||
      elsewhere.length > 0 ||
      now?.dataTrace ||
      otherLevels.length > 0
    ) {
      mismatches.push(
        `${stageLabel(stage)}: execution logs read back as ${now?.executionLevel ?? 'OFF'}${delivered ? ', to the stream' : ''}${elsewhere.map((other) => `, to ${other}`).join('')}${now?.dataTrace ? ', data tracing on' : ''}${otherLevels.map((method) => `; method ${method.key} ${method.level}`).join('')}`,
      );
    }
  }
  return mismatches;
}

/** What execution logging is for each stage, and the changes that set it to `level`. */
async function executionPlan(
  clients: StageLogsClients,
  stages: readonly StageLogging[],
  streamArn: string,
  level: ExecutionLevel,
  days?: number,
) {
  if (level !== 'OFF' && stages.length && !(await accountLogsRole(clients.apiGateway))) {
    throw new RefusedError(
      "API Gateway writes execution logs only with the account's CloudWatch role, and this account has none: set one in the API Gateway console (Settings), then rerun",
    );
  }
  const changes: Change[] = [];
  const shows: string[] = [];
  if (level !== 'OFF' && !(await streamTaggedForDelivery(clients.firehose, streamArn))) {
    shows.push(
      '  stream tag LogDeliveryEnabled: none → true (CloudWatch Logs delivers to no other stream)',
    );
    changes.push({
      describe: 'stream: tag LogDeliveryEnabled=true (CloudWatch Logs delivers to no other stream)',
      apply: () => tagForDelivery(clients.firehose, streamArn),
    });
  }
  const groups = level === 'OFF' ? undefined : await groupPlan(clients.logs, stages, days);
  shows.push(...(groups?.shows ?? []));
  changes.push(...(groups?.changes ?? []));
  const deliveries = await readDeliveries(clients.logs);
  for (const stage of stages) {
    const current = stage.executionLevel ?? 'OFF';
    const arn = stageArn(streamArn, stage.restApiId, stage.stage);
    const delivered = deliveries.delivers(arn, streamArn);
    // Another stream the stage's execution logs go to: they move to this one, or stop.
    const elsewhere = deliveries.elsewhere(arn, streamArn).map(streamName);
    const moved = elsewhere.length ? ` (no longer to ${elsewhere.join(', ')})` : '';
    // Data tracing writes whole requests and responses to the log: it goes off with any change.
    const trace = stage.dataTrace ? ' (data tracing on → off)' : '';
    shows.push(
      `  execution logs of ${stageLabel(stage)}: ${current}${delivered ? ', to the stream' : ''}${elsewhere.length ? `, to ${elsewhere.join(', ')}` : ''} → ${level}${moved}${trace}`,
    );
    // Methods with settings of their own log at their own level: each is set to this one too.
    const others = (stage.overrides ?? []).filter(
      (method) => method.level !== level || method.dataTrace,
    );
    for (const method of others) {
      shows.push(
        `    method ${method.key}: ${method.level}${method.dataTrace ? ', data tracing on' : ''} → ${level}`,
      );
    }
    const same = current === level && delivered === (level !== 'OFF') && !elsewhere.length;
    if (same && !stage.dataTrace && others.length === 0) continue;
    changes.push(stageExecutionChange(clients, stage, streamArn, level, groups?.bounded));
  }
  const readBack = async () => [
    ...((await groups?.readBack()) ?? []),
    ...(await executionReadBack(clients, stages, streamArn, level)),
  ];
  return { changes, shows, readBack };
}

/** What reads back other than planned, stage by stage. */
async function readBack(
  clients: StageLogsClients,
  stages: readonly StageLogging[],
  arn: string,
  format: string,
) {
  const mismatches: string[] = [];
  for (const stage of stages) {
    const now = await getStage(clients.apiGateway, stage.restApiId, stage.stage);
    if (now?.destinationArn !== arn || now.format !== format) {
      mismatches.push(
        `${stageLabel(stage)}: reads back as ${destinationName(now?.destinationArn, arn)}, ${formatName(now?.format)}`,
      );
    }
  }
  return { mismatches };
}

/** One region's stages, where they log and what each becomes. */
async function regionPlan(options: AllStagesOptions, clients: StageLogsClients, format: string) {
  const { arn, warnings } = await target(clients.firehose, options.stream);
  const stages = await listStages(clients.apiGateway);
  const entries = stages.map((stage) => {
    const here = stage.destinationArn === arn;
    const elsewhere = Boolean(stage.destinationArn) && !here;
    const change = !(here && stage.format === format) && (!elsewhere || options.takeOver);
    const becomes = change
      ? `this stream, ${formatName(format)}`
      : elsewhere
        ? 'left alone (--take-over moves it)'
        : 'unchanged';
    return { stage, change, becomes };
  });
  const logging = entries
    .filter((e) => e.change || e.stage.destinationArn === arn)
    .map((e) => e.stage);
  const execution = options.executionLogs
    ? await executionPlan(clients, logging, arn, options.executionLogs, options.executionLogDays)
    : undefined;
  return {
    arn,
    warnings,
    entries,
    moved: entries.filter((e) => e.change).map((e) => e.stage),
    execution,
  };
}

/**
 * The warnings of an --all-stages plan: each region's stream's, and, without --format, how many
 * stages moved lose a format of their own to the recommended one.
 */
function allStagesWarnings(
  plans: readonly {
    readonly region?: string;
    readonly warnings: readonly string[];
    readonly moved: readonly StageLogging[];
  }[],
  several: boolean,
  noFormat: boolean,
  format: string,
): string[] {
  const warnings = plans.flatMap((plan) =>
    plan.warnings.map((line) => (several ? `${plan.region}: ${line}` : line)),
  );
  const own = noFormat
    ? plans.flatMap((plan) => plan.moved).filter((stage) => stage.format && stage.format !== format)
    : [];
  if (own.length) {
    warnings.push(
      `warning: ${own.length} stage(s) with a format of their own take the recommended one; to keep a format, give it with --format`,
    );
  }
  return warnings;
}

/**
 * Every REST stage of a region (or of each region given) to the stream of the same name there:
 * the plan as one table, one confirmation, then each stage changed and reported. Stages that log
 * elsewhere stay unless `takeOver`.
 */
export async function planAllStages(
  options: AllStagesOptions,
  clientsFor: (region?: string) => StageLogsClients,
  regions: readonly (string | undefined)[] = [undefined],
): Promise<Plan> {
  const format = checkedFormat(options.format);
  const several = regions.length > 1;
  type RegionPlan = Awaited<ReturnType<typeof regionPlan>> & {
    region?: string;
    clients: StageLogsClients;
  };
  const plans: RegionPlan[] = [];
  for (const region of regions) {
    const clients = clientsFor(region);
    try {
      plans.push({ region, clients, ...(await regionPlan(options, clients, format)) });
    } catch (error) {
      // Which region, when there are several: nothing is changed in any until each can be. The
      // error (a refusal, or AWS's: a region not enabled, a token refused there) keeps its kind.
      if (several && error instanceof Error) error.message = `${region}: ${error.message}`;
      throw error;
    }
  }
  const rows = table(
    [...(several ? ['region'] : []), 'API', 'stage', 'logs to', 'format', 'becomes'],
    plans.flatMap(({ region, arn, entries }) =>
      entries.map(({ stage, becomes }) => [
        ...(several ? [region ?? ''] : []),
        `${stage.apiName} (${stage.restApiId})`,
        stage.stage,
        destinationName(stage.destinationArn, arn),
        formatName(stage.format),
        becomes,
      ]),
    ),
  );
  const label = (region: string | undefined, stage: StageLogging) =>
    `${several ? `${region}: ` : ''}${stage.apiName} (${stage.restApiId}) ${stage.stage}`;
  const moved = plans.reduce((sum, plan) => sum + plan.moved.length, 0);
  const where = several ? regions.join(', ') : 'this region';
  return {
    shows: [
      ...allStagesWarnings(plans, several, options.format === undefined, format),
      ...formatWarnings(format),
      several
        ? `REST API stages in ${where}, and their access logs → ${options.stream} in each region`
        : `REST API stages in this region, and their access logs → ${plans[0]?.arn}`,
      ...rows.map((line) => `  ${line}`),
      ...plans.flatMap((plan) => plan.execution?.shows ?? []),
    ],
    changes: plans.flatMap(({ region, clients, arn, moved, execution }) => [
      ...moved.map((stage) => ({
        describe: label(region, stage),
        apply: () => setAccessLogs(clients.apiGateway, stage, arn, format),
      })),
      ...(execution?.changes ?? []),
    ]),
    nothingToChange: rows.length > 2 ? 'Nothing to change.' : `No REST API stages in ${where}.`,
    question: `Apply these changes to ${moved} stage(s)${options.executionLogs ? ' and their execution logs' : ''}?`,
    independent: true,
    afterwards: format !== DEFAULT_FORMAT && moved ? [FORMAT_REMINDER] : [],
    readBack: async () => {
      const mismatches: string[] = [];
      for (const { clients, moved, arn, execution } of plans) {
        mismatches.push(...(await readBack(clients, moved, arn, format)).mismatches);
        mismatches.push(...((await execution?.readBack()) ?? []));
      }
      return { mismatches };
    },
  };
}
