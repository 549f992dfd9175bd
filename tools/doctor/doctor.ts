/**
 * OpenObserve's "No logs?" checklist as checks over what AWS says of the pipeline: each reports
 * ok, warn (works, but worth a look; or could not be run, and says why) or fail, with the evidence
 * it saw and the fix, a command where there is one. A new check is a module in checks/ and a line
 * in CHECKS, in the order people read them: from the stages to OpenObserve.
 */
import type { Check } from './check';
import { backupCheck } from './checks/backup';
import { decompressionCheck } from './checks/decompression';
import { destinationCheck } from './checks/destination';
import { executionLogsCheck } from './checks/execution-logs';
import { failedRecordsCheck } from './checks/failed-records';
import { flowCheck } from './checks/flow';
import { functionHealthCheck } from './checks/function-health';
import { functionSettingsCheck } from './checks/function-settings';
import { openObserveCheck } from './checks/openobserve';
import { processorCheck } from './checks/processor';
import { processorBufferCheck } from './checks/processor-buffer';
import { processorMetricsCheck } from './checks/processor-metrics';
import { processorRoleCheck } from './checks/processor-role';
import { stageFormatCheck } from './checks/stage-format';
import { stagesCheck } from './checks/stages';
import { streamCheck } from './checks/stream';
import { type DoctorCheck, type DoctorClients, type DoctorOptions, Facts } from './facts';

export const CHECKS: readonly DoctorCheck[] = [
  stagesCheck,
  stageFormatCheck,
  executionLogsCheck,
  streamCheck,
  destinationCheck,
  processorCheck,
  processorRoleCheck,
  processorBufferCheck,
  decompressionCheck,
  backupCheck,
  functionSettingsCheck,
  flowCheck,
  functionHealthCheck,
  processorMetricsCheck,
  failedRecordsCheck,
  openObserveCheck,
];

/**
 * A fix's commands in the region doctor looked at: run as printed in a shell whose default region
 * is another, each would act on (or check) that region's stream of the same name.
 */
export function inRegion(fix: string | null, region: string | undefined): string | null {
  if (!fix || !region) return fix;
  return fix.replace(
    /\bnpm run (attach|stage-logs|doctor|replay) -- /g,
    `npm run $1 -- --region ${region} `,
  );
}

/** Every check that applies, in CHECKS order; AWS is read once for all of them. */
export async function doctor(options: DoctorOptions, clients: DoctorClients): Promise<Check[]> {
  const facts = new Facts(options, clients);
  const checks: Check[] = [];
  for (const run of CHECKS) {
    const result = await run(facts);
    if (result) checks.push({ ...result, fix: inRegion(result.fix, options.region) });
  }
  return checks;
}
