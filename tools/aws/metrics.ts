/** One CloudWatch metric over a window, as one number (GetMetricStatistics). */
import {
  type CloudWatchClient,
  type Dimension,
  GetMetricStatisticsCommand,
  type Statistic,
} from '@aws-sdk/client-cloudwatch';

export interface MetricQuery {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimension[];
  readonly statistic: Statistic;
}

/** The window ending at `endMs`: one period per minute of it, at least one minute. */
export interface Window {
  readonly endMs: number;
  readonly lengthMs: number;
}

/** Sum, maximum or average of the datapoints; undefined when there are none. */
export async function metricValue(
  cloudWatch: CloudWatchClient,
  query: MetricQuery,
  window: Window,
): Promise<number | undefined> {
  const { Datapoints } = await cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: query.namespace,
      MetricName: query.name,
      Dimensions: query.dimensions,
      StartTime: new Date(window.endMs - window.lengthMs),
      EndTime: new Date(window.endMs),
      Period: Math.max(60, Math.ceil(window.lengthMs / 60_000) * 60),
      Statistics: [query.statistic],
    }),
  );
  const values = (Datapoints ?? []).map((point) => point[query.statistic] ?? 0);
  if (values.length === 0) return undefined;
  if (query.statistic === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (query.statistic === 'Maximum') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}
