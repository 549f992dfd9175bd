/** processor-metrics: the processor's own metrics (records failed, lines unread). */
import { POWERTOOLS_DEFAULTS } from '../../../src/surface';
import { settingsOf } from '../../aws/lambda';
import { check, couldNot } from '../check';
import { type DoctorCheck, show } from '../facts';

export const processorMetricsCheck: DoctorCheck = async (facts) => {
  const fn = await facts.processorFunction();
  if (!fn?.FunctionName) return undefined;
  const variables = settingsOf(fn);
  if (variables.POWERTOOLS_METRICS_DISABLED === 'true') {
    return check(
      'processor-metrics',
      'warn',
      "could not read the processor's own metrics: they are off",
      'POWERTOOLS_METRICS_DISABLED=true (PublishMetrics=false)',
    );
  }
  const namespace = variables.POWERTOOLS_METRICS_NAMESPACE ?? POWERTOOLS_DEFAULTS.metricsNamespace;
  const service = variables.POWERTOOLS_SERVICE_NAME ?? POWERTOOLS_DEFAULTS.serviceName;
  const dimensions = [{ Name: 'service', Value: service }];
  const sum = (name: string) => facts.metric({ namespace, name, dimensions, statistic: 'Sum' });
  let failed: number | undefined;
  let unparsed: number | undefined;
  try {
    failed = await sum('RecordsProcessingFailed');
    unparsed = await sum('UnparsedLines');
  } catch (error) {
    return couldNot('processor-metrics', "read the processor's metrics", error);
  }
  const evidence = `RecordsProcessingFailed ${show(failed)}, UnparsedLines ${show(unparsed)} (last ${facts.since})`;
  if (failed === undefined && unparsed === undefined) {
    return check(
      'processor-metrics',
      'warn',
      `the processor published no metrics in the last ${facts.since}: nothing to judge it by`,
      evidence,
      'see the flow and function-health checks; rerun with a longer --since once records have come in',
    );
  }
  if (failed) {
    return check(
      'processor-metrics',
      'warn',
      'the processor returned records as ProcessingFailed; they are in S3',
      evidence,
      'see the failed-records check for the replay command',
    );
  }
  if (unparsed) {
    return check(
      'processor-metrics',
      'warn',
      'some lines matched no format',
      evidence,
      "set LOG_FORMAT (template parameter LogFormat) to the stage's exact format; the Pipeline tab of the dashboard shows the lines",
    );
  }
  return check('processor-metrics', 'ok', 'every line was read', evidence);
};
