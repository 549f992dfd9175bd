/**
 * The plan of `npm run openobserve -- setup`: the dashboard (found by title), the stream and its
 * settings, and the alert pack (by name), each read from OpenObserve first; applied and read back
 * by the one runner (docs/contracts.md §6). A second run finds nothing to change.
 */
import type { Plan } from '../../cli/plan';
import type { Thresholds } from '../alerts';
import type { OpenObserveApi } from '../api';
import type { SloOptions } from '../slos';
import { checkVersion } from '../version';
import { alertsPart } from './alerts';
import { dashboardPart } from './dashboard';
import { folder } from './folders';
import { slosPart } from './slos';
import { streamPart } from './stream';

export interface SetupOptions extends Omit<SloOptions, 'stream'> {
  readonly org: string;
  readonly stream: string;
  /** Folder name for the dashboard and the alerts; OpenObserve's `default` folder when absent. */
  readonly folder?: string;
  readonly alertDestination?: string;
  readonly retentionDays?: number;
  readonly thresholds: Thresholds;
}

export async function planSetup(options: SetupOptions, api: OpenObserveApi): Promise<Plan> {
  const version = await checkVersion(api);
  const stream = await streamPart(api, options);
  const dashboard = await dashboardPart(api, options, stream.lacks);
  // Alerts and SLOs share a folder, made once and only when one of them is created there: an
  // update leaves each where it is, and would leave a new folder empty.
  const alertFolder = await folder(api, options.org, 'alerts', options.folder);
  const alerts = await alertsPart(api, options, stream, alertFolder.ref);
  const slos = await slosPart(api, options, version, alertFolder.ref, stream.lacks);
  const inFolder = [...alerts.changes, ...slos.changes];
  const folderChange =
    alertFolder.change && (alerts.creates || slos.creates) ? [alertFolder.change] : [];
  const parts = [dashboard, stream, alerts, slos];
  const changes = [...dashboard.changes, ...stream.changes, ...folderChange, ...inFolder];
  const skipped = parts.flatMap((part) => part.skipped);
  return {
    shows: [
      `OpenObserve ${api.base}, organization ${options.org}, stream ${options.stream}`,
      ...changes.map((change) => `  ${change.describe}`),
    ],
    changes,
    skipped,
    nothingToChange: skipped.length
      ? 'Nothing to change now; what is not installed yet waits, as said above.'
      : 'Nothing to change: the dashboard, alerts and stream settings are as this version installs them.',
    // Read everything back: a 200 alone has been reported not to mean a setting took (§6).
    readBack: async () => {
      const mismatches: string[] = [];
      for (const part of parts) mismatches.push(...(await part.readBack()));
      return { mismatches };
    },
  };
}
