/**
 * The plan of `npm run openobserve -- setup`: the dashboard (found by title), the stream and its
 * settings, and the alert pack (by name), each read from OpenObserve first; applied and read back
 * by the one runner (docs/contracts.md §6). A second run finds nothing to change.
 */
import type { Plan } from '../../cli/plan';
import type { Thresholds } from '../alerts';
import type { OpenObserveApi } from '../api';
import { checkVersion } from '../version';
import { alertsPart } from './alerts';
import { dashboardPart } from './dashboard';
import { streamPart } from './stream';

export interface SetupOptions {
  readonly org: string;
  readonly stream: string;
  /** Folder name for the dashboard and the alerts; OpenObserve's `default` folder when absent. */
  readonly folder?: string;
  readonly alertDestination?: string;
  readonly retentionDays: number;
  readonly thresholds: Thresholds;
}

export async function planSetup(options: SetupOptions, api: OpenObserveApi): Promise<Plan> {
  await checkVersion(api);
  const dashboard = await dashboardPart(api, options);
  const stream = await streamPart(api, options);
  const alerts = await alertsPart(api, options, stream.hasFields);
  const parts = [dashboard, stream, alerts];
  const changes = parts.flatMap((part) => part.changes);
  return {
    shows: [
      `OpenObserve ${api.base}, organization ${options.org}, stream ${options.stream}`,
      ...changes.map((change) => `  ${change.describe}`),
    ],
    changes,
    skipped: parts.flatMap((part) => part.skipped),
    nothingToChange:
      'Nothing to change: the dashboard, alerts and stream settings are as this version installs them.',
    // Read everything back: a 200 alone has been reported not to mean a setting took (§6).
    readBack: async () => {
      const mismatches: string[] = [];
      for (const part of parts) mismatches.push(...(await part.readBack()));
      return { mismatches };
    },
  };
}
