/**
 * `npm run openobserve -- setup --url https://… [--org default] [--stream api_gateway_access]
 *  [--folder NAME] [--alert-destination NAME] [--retention-days 30] [--5xx-rate 0.05]
 *  [--p95-ms 1000] [--429-count 10] [--min-requests 20] [--dry-run] [--yes]`
 *
 * Credentials come from OPENOBSERVE_USER / OPENOBSERVE_PASSWORD (an API token works as the
 * password) or a prompt, never from the command line.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { askHidden, Refused, terminalIo } from '../tools/confirm';
import { secureUrl } from '../tools/endpoint';
import { openObserveApi, UnexpectedAnswer } from '../tools/openobserve/api';
import {
  DEFAULT_RETENTION_DAYS,
  DEFAULT_STREAM,
  DEFAULT_THRESHOLDS,
} from '../tools/openobserve/health';
import { setupHealth } from '../tools/openobserve/setup';

const usage =
  'usage: npm run openobserve -- setup --url https://… [--org default] [--stream api_gateway_access] [--folder NAME] [--alert-destination NAME] [--retention-days 30] [--5xx-rate 0.05] [--p95-ms 1000] [--429-count 10] [--min-requests 20] [--dry-run] [--yes]';

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      org: { type: 'string', default: 'default' },
      stream: { type: 'string', default: DEFAULT_STREAM },
      folder: { type: 'string' },
      'alert-destination': { type: 'string' },
      'retention-days': { type: 'string', default: String(DEFAULT_RETENTION_DAYS) },
      '5xx-rate': { type: 'string', default: String(DEFAULT_THRESHOLDS.rate5xx) },
      'p95-ms': { type: 'string', default: String(DEFAULT_THRESHOLDS.p95Ms) },
      '429-count': { type: 'string', default: String(DEFAULT_THRESHOLDS.throttled) },
      'min-requests': { type: 'string', default: String(DEFAULT_THRESHOLDS.minRequests) },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (positionals[0] !== 'setup' || positionals.length !== 1 || !values.url) {
  console.error(usage);
  process.exit(2);
}

/** A number within bounds, or a usage error that names the option. */
function option(name: keyof typeof values, min: number, max: number, integer = false): number {
  const value = Number(values[name]);
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}`);
    process.exit(2);
  }
  return value;
}
const retentionDays = option('retention-days', 1, 36_500, true);
const thresholds = {
  rate5xx: option('5xx-rate', 0, 1),
  p95Ms: option('p95-ms', 1, 3_600_000, true),
  throttled: option('429-count', 0, 1_000_000_000, true),
  minRequests: option('min-requests', 1, 1_000_000_000, true),
};

async function credentials() {
  let user = process.env.OPENOBSERVE_USER;
  if (!user) {
    if (!process.stdin.isTTY) {
      throw new Refused(
        'set OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
      );
    }
    const readline = createInterface({ input: process.stdin, output: process.stderr });
    user = (await readline.question('OpenObserve user (email): ')).trim();
    readline.close();
  }
  const password =
    process.env.OPENOBSERVE_PASSWORD ||
    (await askHidden(
      'OpenObserve password or API token: ',
      'set OPENOBSERVE_PASSWORD (an API token works as the password)',
    ));
  return { user, password };
}

try {
  const url = secureUrl(values.url, '--url');
  const api = openObserveApi(url, await credentials());
  const report = await setupHealth(
    {
      org: values.org,
      stream: values.stream,
      folder: values.folder,
      alertDestination: values['alert-destination'],
      retentionDays,
      thresholds,
      dryRun: values['dry-run'],
    },
    api,
    terminalIo(values.yes),
  );
  process.exit(report.mismatches.length ? 1 : 0);
} catch (error) {
  console.error(
    error instanceof Refused || error instanceof UnexpectedAnswer
      ? `refused: ${error.message}`
      : (error as Error).message,
  );
  process.exit(1);
}
