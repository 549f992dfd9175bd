/** What a doctor check reports: ok, warn (works but worth a look, or could not run) or fail. */
import { awsSetupFix, errorName } from '../aws/clients';
import { table } from '../cli/output';

export type Status = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly id: string;
  readonly status: Status;
  readonly summary: string;
  /** What the check saw. */
  readonly evidence: string;
  /** What to do, a command where there is one; null when nothing is to be done. */
  readonly fix: string | null;
}

export const check = (
  id: string,
  status: Status,
  summary: string,
  evidence: string | readonly string[] = '',
  fix: string | null = null,
): Check => ({
  id,
  status,
  summary,
  evidence: typeof evidence === 'string' ? evidence : evidence.join('\n'),
  fix,
});

/**
 * A check that could not run says so, and is a warning, never a silent ok; a failure when AWS was
 * never asked (no region, no credentials: awsSetupFix), since then nothing was checked.
 */
export const couldNot = (id: string, what: string, error: unknown): Check => {
  const setupFix = awsSetupFix(error);
  return check(
    id,
    setupFix ? 'fail' : 'warn',
    `could not ${what}`,
    // The fix once, below the evidence, not also at the end of the message (awsClients adds it).
    `${errorName(error) || 'error'}: ${(error as Error).message.replace(`: ${setupFix}`, '')}`,
    setupFix ??
      (errorName(error).includes('AccessDenied')
        ? 'run doctor with credentials that may read this (the evidence names the call)'
        : null),
  );
};

const SYMBOL: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗' };

/** The checks for people: symbol, summary, then the evidence and the fix indented. */
export function formatChecks(checks: readonly Check[]): string[] {
  return checks.flatMap((item) => [
    `${SYMBOL[item.status]} ${item.id}: ${item.summary}`,
    ...item.evidence
      .split('\n')
      .filter(Boolean)
      .map((line) => `    ${line}`),
    ...(item.fix ? [`    fix: ${item.fix}`] : []),
  ]);
}

/** Each region's checks: one table of check × region, then what is not ok, region by region. */
export function formatRegions(
  results: readonly { readonly region: string; readonly checks: readonly Check[] }[],
): string[] {
  const ids = [...new Set(results.flatMap((result) => result.checks.map((item) => item.id)))];
  const cell = (checks: readonly Check[], id: string) => {
    const found = checks.find((item) => item.id === id);
    return found ? `${SYMBOL[found.status]} ${found.status}` : '—';
  };
  const rows = ids.map((id) => [id, ...results.map((result) => cell(result.checks, id))]);
  const details = results.flatMap(({ region, checks }) => {
    const notOk = checks.filter((item) => item.status !== 'ok');
    return notOk.length ? ['', `${region}:`, ...formatChecks(notOk)] : [];
  });
  return [...table(['check', ...results.map((result) => result.region)], rows), ...details];
}
