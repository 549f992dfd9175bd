import { alertSpecs, buildAlert, DEFAULT_THRESHOLDS } from './alerts';
import { buildDashboard } from './dashboard';
import { DEFAULT_STREAM, NEW_STREAM } from './stream-settings';

/**
 * Path → contents of every file in openobserve/: the dashboard for the default stream, the alerts
 * with the default thresholds and no destination (pick one when importing), and the stream with
 * its fields, which an import by hand creates first: OpenObserve answers a query that names a
 * field the stream has not seen with 400, so the Pipeline panels would fail until the first
 * unparsed line arrived.
 */
export function openObserveFiles(): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'openobserve/api-gateway.dashboard.json': json(buildDashboard(DEFAULT_STREAM)),
    'openobserve/stream.json': json(NEW_STREAM),
  };
  for (const spec of alertSpecs(DEFAULT_STREAM, DEFAULT_THRESHOLDS)) {
    files[`openobserve/alerts/${spec.file}`] = json(buildAlert(spec, DEFAULT_STREAM, []));
  }
  return files;
}
