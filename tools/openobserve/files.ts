import {
  alertSpecs,
  buildAlert,
  buildDashboard,
  DEFAULT_STREAM,
  DEFAULT_THRESHOLDS,
} from './health';

/**
 * Path → contents of every file in openobserve/: the dashboard for the default stream, and the
 * alerts with the default thresholds and no destination (pick one when importing).
 */
export function openObserveFiles(): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'openobserve/api-gateway.dashboard.json': json(buildDashboard(DEFAULT_STREAM)),
  };
  for (const spec of alertSpecs(DEFAULT_STREAM, DEFAULT_THRESHOLDS)) {
    files[`openobserve/alerts/${spec.file}`] = json(buildAlert(spec, DEFAULT_STREAM, []));
  }
  return files;
}
