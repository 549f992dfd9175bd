/**
 * The one runner of every command that changes something (attach, stage-logs, openobserve
 * setup): it shows the plan, asks once, applies each change, reads the result back and reports.
 * A command builds its Plan from what it read; nothing is changed before the confirmation.
 */
import type { Io } from './io';

export interface Change {
  /** What it does, for the plan and the report: `stage prod: access logs → amazon-apigateway-x`. */
  readonly describe: string;
  /** Makes the change; may return a line that says what was done. */
  apply(): Promise<unknown>;
}

export interface Plan {
  /** What is there now and what becomes of it, and warnings: shown before the question. */
  readonly shows: readonly string[];
  readonly changes: readonly Change[];
  /** What is not done, and why (shown; a part of the result). */
  readonly skipped?: readonly string[];
  /** Said when there is nothing to change. */
  readonly nothingToChange?: string;
  readonly question?: string;
  /** Independent changes (one per stage): a failed one is reported and the others still run. */
  readonly independent?: boolean;
  /** Lines said after the changes were applied (what the user must do next). */
  readonly afterwards?: readonly string[];
  /**
   * Reads back what was applied: a 200 alone does not prove that a setting took. Returns what
   * reads back other than planned (nothing when everything is as planned) and lines to show.
   */
  readBack?(): Promise<{
    readonly mismatches: readonly string[];
    readonly shows?: readonly string[];
  }>;
}

export interface PlanResult {
  /** The changes planned (in a dry run, or when declined: what would have been done). */
  readonly planned: string[];
  readonly applied: string[];
  readonly failed: string[];
  readonly skipped: string[];
  readonly mismatches: string[];
  /** Whether anything was changed. */
  readonly changed: boolean;
  readonly declined: boolean;
}

/**
 * What a plan whose changes depend on each other had done when one failed: the error it ends with
 * carries it (`partly`), and the command's --json document gives it.
 */
export interface PartlyApplied {
  readonly applied: readonly string[];
  readonly failed: readonly string[];
  readonly notApplied: readonly string[];
}

/** 0 when everything planned was applied and reads back so; 1 otherwise. */
export const planStatus = (result: PlanResult): number =>
  result.failed.length > 0 || result.mismatches.length > 0 ? 1 : 0;

const unchanged = (plan: Plan, declined = false): PlanResult => ({
  planned: plan.changes.map((change) => change.describe),
  applied: [],
  failed: [],
  skipped: [...(plan.skipped ?? [])],
  mismatches: [],
  changed: false,
  declined,
});

/** A line that says something failed: on standard error where the Io has one (Io.warn). */
const warn = (io: Io, line: string) => (io.warn ? io.warn(line) : io.log(line));

async function applyAll(plan: Plan, io: Io, result: PlanResult): Promise<void> {
  for (const [index, change] of plan.changes.entries()) {
    try {
      const said = await change.apply();
      result.applied.push(change.describe);
      if (typeof said === 'string') io.log(said);
    } catch (error) {
      if (!plan.independent) {
        // The command ends with the error: say first what it had changed, and what it had not,
        // and give the error the same for its --json document.
        const notApplied = plan.changes.slice(index + 1).map((left) => left.describe);
        for (const line of result.applied) io.log(`✓ ${line}`);
        warn(io, `✗ ${change.describe}`);
        for (const left of notApplied) warn(io, `  not applied: ${left}`);
        if (error instanceof Error) {
          const partly: PartlyApplied = {
            applied: [...result.applied],
            // With why, as an independent plan's failed changes say it.
            failed: [`${change.describe}: ${error.message}`],
            notApplied,
          };
          Object.assign(error, { partly });
        }
        throw error;
      }
      result.failed.push(`${change.describe}: ${(error as Error).message}`);
    }
  }
}

export async function runPlan(
  plan: Plan,
  io: Io,
  { dryRun = false }: { dryRun?: boolean } = {},
): Promise<PlanResult> {
  for (const line of plan.shows) io.log(line);
  for (const line of plan.skipped ?? []) io.log(`  ${line}`);
  if (plan.changes.length === 0) {
    io.log(plan.nothingToChange ?? 'Nothing to change.');
    return unchanged(plan);
  }
  if (dryRun) {
    io.log('Dry run: nothing changed.');
    return unchanged(plan);
  }
  if (!(await io.confirm(plan.question ?? 'Apply these changes?'))) {
    io.log('Nothing changed.');
    return unchanged(plan, true);
  }
  const result: PlanResult = { ...unchanged(plan), changed: true };
  await applyAll(plan, io, result);
  for (const line of result.applied) io.log(`✓ ${line}`);
  for (const line of result.failed) warn(io, `✗ ${line}`);
  for (const line of plan.afterwards ?? []) io.log(line);
  if (plan.readBack && result.applied.length > 0) {
    // A read-back that fails (throttled, denied) leaves what was applied applied: it is a
    // mismatch of the result, which says what changed, not an error that would hide it.
    const read = await plan.readBack().catch((error: Error) => ({
      mismatches: [`could not read back what was applied: ${error.message}`],
      shows: [],
    }));
    for (const line of read.shows ?? []) io.log(line);
    result.mismatches.push(...read.mismatches);
    for (const line of read.mismatches) warn(io, `! ${line}`);
    if (read.mismatches.length === 0) io.log('Read back: everything is as planned.');
  }
  return { ...result, changed: result.applied.length > 0 };
}
