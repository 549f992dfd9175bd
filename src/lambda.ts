/**
 * The function around the processor: reads and checks every setting and the secrets they name,
 * compiles the rules' expressions, then returns the Lambda handler, which logs one summary line
 * and publishes the same counts as metrics for each batch. handler.ts runs it at init.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
} from 'aws-lambda';
import { POWERTOOLS_DEFAULTS, readSettings } from './config';
import type { Counts } from './counts';
import { createAsyncProcessor } from './firehose';
import { formatVariables, variableFields } from './formats/compile';
import { API_KEY_VARIABLE, API_KEY_WHY } from './formats/variables';
import { type SecretReader, withSecrets } from './secrets';

type Env = Readonly<Record<string, string | undefined>>;
export type FirehoseHandler = (
  event: FirehoseTransformationEvent,
  context?: Context,
) => Promise<FirehoseTransformationResult>;

/** The counts published as metrics. Totals only: a dimension per rule would be a metric per rule. */
const METRICS: readonly [string, keyof Counts][] = [
  ['RecordsIn', 'recordsIn'],
  ['RecordsOk', 'ok'],
  ['RecordsDropped', 'dropped'],
  ['RecordsProcessingFailed', 'processingFailed'],
  ['RecordsOverResponseLimit', 'failedOverResponseLimit'],
  ['RecordsOutOfTime', 'failedOutOfTime'],
  ['RecordsCompressed', 'compressed'],
  ['EventsOut', 'eventsOut'],
  ['UnparsedLines', 'unparsedLines'],
  ['EventsDropped', 'eventsDropped'],
  ['EventsSampledOut', 'eventsSampledOut'],
  ['EventsRedacted', 'eventsRedacted'],
];

function publish(metrics: Metrics, summary: Counts): void {
  for (const [name, key] of METRICS) {
    metrics.addMetric(name, MetricUnit.Count, summary[key] as number);
  }
  metrics.addMetric('BytesIn', MetricUnit.Bytes, summary.bytesIn);
  metrics.addMetric('BytesOut', MetricUnit.Bytes, summary.bytesOut);
  metrics.publishStoredMetrics();
  for (const [format, events] of Object.entries(summary.eventsByFormat)) {
    const byFormat = metrics.singleMetric();
    byFormat.addDimension('log_format', format);
    byFormat.addMetric('EventsByFormat', MetricUnit.Count, events);
  }
}

/**
 * When the records left stop being transformed (firehose.ts): a tenth of the invocation's time
 * before it ends, and at least 3 s, for the response to be written and sent.
 */
function deadlineOf(context: Context | undefined): number | undefined {
  if (typeof context?.getRemainingTimeInMillis !== 'function') return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return Date.now() + remaining - Math.max(3_000, remaining / 10);
}

/**
 * Once, at init: the LOG_FORMAT variables API Gateway's list does not name, and the field each is
 * read into. They are read as strings; a newer variable needs nothing, a misspelt one a fix
 * (docs/contracts.md §2.2).
 */
async function reportUnknown(
  logger: Logger,
  logFormat: string,
  variables: readonly string[],
): Promise<void> {
  const { closestVariable } = await import('./formats/closest');
  const fields = variableFields(logFormat);
  logger.warn('LOG_FORMAT names variables API Gateway does not list; read as strings', {
    unknownVariables: variables.map((variable) => ({
      variable: `$context.${variable}`,
      field: fields.get(variable),
      closestKnown: `$context.${closestVariable(variable)}`,
    })),
  });
}

/**
 * The function's init: reads and checks every setting, and the secrets they name (src/secrets.ts),
 * then returns the Lambda handler. A bad setting or an unreadable secret rejects with a
 * ConfigError naming it.
 */
export async function createHandler(env: Env, readSecret?: SecretReader): Promise<FirehoseHandler> {
  const config = await withSecrets(await readSettings(env), readSecret);
  const processBatch = createAsyncProcessor(config);
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? POWERTOOLS_DEFAULTS.serviceName;
  // Given to the constructor, which reads it in any case, as readConfig checks it: from the
  // environment Powertools reads it in upper case only, and took `warn` for INFO.
  const logLevel = env.POWERTOOLS_LOG_LEVEL?.trim() as LogLevel | undefined;
  const logger = new Logger({ serviceName, ...(logLevel ? { logLevel } : {}) });
  if (config.unknownVariables.length > 0)
    await reportUnknown(logger, config.logFormat, config.unknownVariables);
  if (formatVariables(config.logFormat).includes(API_KEY_VARIABLE)) {
    logger.warn(`LOG_FORMAT names ${API_KEY_WHY}; the processor writes no value of it`);
  }
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? POWERTOOLS_DEFAULTS.metricsNamespace,
    serviceName,
  });

  /**
   * Firehose invokes it synchronously with a batch of records (docs/contracts.md §3). Logs one
   * summary line (never record contents) and publishes the same counts as EMF metrics.
   */
  return async (event, context) => {
    if (context) logger.addContext(context);
    const { response, summary } = await processBatch(event, deadlineOf(context));
    logger.info('batch transformed', { deliveryStreamArn: event.deliveryStreamArn, ...summary });
    publish(metrics, summary);
    return response;
  };
}
