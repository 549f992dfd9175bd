/**
 * `npm run openobserve -- setup`: creates or updates the API health dashboard, the alert pack, the
 * SLOs and the stream settings in OpenObserve, then reads each back (tools/openobserve/setup/).
 * `npm run openobserve -- slo`: how each SLO stands, per API and stage. Credentials
 * come from OPENOBSERVE_USER / OPENOBSERVE_PASSWORD (an API token works as the password) or a
 * prompt, never from the command line. Exits 1 when a setting reads back otherwise.
 */
import { defineCommand, EXIT } from '../cli/command';
import { UsageError } from '../cli/errors';
import { COMMON_OPTIONS } from '../cli/options';
import { planStatus, runPlan } from '../cli/plan';
import { DEFAULT_THRESHOLDS } from '../openobserve/alerts';
import { connect, OPENOBSERVE_OPTIONS, streamOption } from '../openobserve/connect';
import { planSetup, type SetupOptions } from '../openobserve/setup/plan';
import { formatSloStatus, readSloStatus } from '../openobserve/slo-status';
import { SLO_NAMES, sloName } from '../openobserve/slos';
import { DEFAULT_RETENTION_DAYS } from '../openobserve/stream-settings';

/** The options only `setup` reads: `slo` refuses each one given. */
const SETUP_ONLY = [
  'folder',
  'alert-destination',
  'retention-days',
  '5xx-rate',
  'p95-ms',
  '429-count',
  'min-requests',
  'availability',
  'latency-target',
  'slo-latency-ms',
  'dry-run',
  'yes',
] as const;

export const command = defineCommand({
  spec: {
    name: 'openobserve',
    summary:
      "setup installs API health in OpenObserve: the dashboard, the alerts (with --alert-destination), the SLOs and the stream settings; slo shows how the SLOs stand (every stream's, or --stream's), and takes --url, --org, --stream and --json only. Signs in with OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (asked for on a terminal).",
    positionals: { value: 'setup | slo', min: 1, max: 1, choices: ['setup', 'slo'] },
    options: {
      ...OPENOBSERVE_OPTIONS,
      folder: {
        type: 'string',
        value: 'NAME',
        help: "folder for the dashboard and the alerts (default: OpenObserve's default folder)",
      },
      'alert-destination': {
        type: 'string',
        value: 'NAME',
        help: 'an alert destination in OpenObserve; without one no alert is installed',
      },
      'retention-days': {
        type: 'number',
        value: 'DAYS',
        min: 1,
        max: 36_500,
        integer: true,
        help: `how long the stream keeps events (a stream setup creates: ${DEFAULT_RETENTION_DAYS}; an existing one is changed only when given, and a shorter time deletes older events)`,
      },
      '5xx-rate': {
        type: 'number',
        value: 'FRACTION',
        default: DEFAULT_THRESHOLDS.rate5xx,
        min: 0,
        // The alert fires above it: at 1 it never could.
        max: 0.99,
        help: 'alert when 5xx responses pass this share of requests over 10 minutes',
      },
      'p95-ms': {
        type: 'number',
        value: 'MS',
        default: DEFAULT_THRESHOLDS.p95Ms,
        min: 1,
        max: 3_600_000,
        integer: true,
        help: 'alert when p95 latency passes this over 10 minutes',
      },
      '429-count': {
        type: 'number',
        value: 'N',
        default: DEFAULT_THRESHOLDS.throttled,
        min: 0,
        max: 1e9,
        integer: true,
        help: 'alert when more 429 responses than this come in 10 minutes',
      },
      'min-requests': {
        type: 'number',
        value: 'N',
        default: DEFAULT_THRESHOLDS.minRequests,
        min: 1,
        max: 1e9,
        integer: true,
        help: 'fewer requests than this in 10 minutes are too few to judge a rate',
      },
      availability: {
        type: 'number',
        value: 'PERCENT',
        default: 99.9,
        min: 0.001,
        max: 99.999,
        help: 'availability SLO per API and stage: requests without a 5xx over 30 days',
      },
      'latency-target': {
        type: 'number',
        value: 'PERCENT',
        default: 99,
        min: 0.001,
        max: 99.999,
        help: 'latency SLO per API and stage: requests answered within --slo-latency-ms',
      },
      'slo-latency-ms': {
        type: 'number',
        value: 'MS',
        default: DEFAULT_THRESHOLDS.p95Ms,
        min: 1,
        max: 3_600_000,
        integer: true,
        help: 'the bound of the latency SLO',
      },
      'dry-run': COMMON_OPTIONS['dry-run'],
      yes: COMMON_OPTIONS.yes,
      json: COMMON_OPTIONS.json,
    },
    check(values) {
      for (const name of ['availability', 'latency-target'] as const) {
        if (!/^\d+(\.\d{1,3})?$/.test(String(values[name]))) {
          throw new UsageError(`--${name} takes at most 3 decimals (OpenObserve's SLO targets)`);
        }
      }
    },
  },
  async run({ values, positionals, given }, io) {
    if (positionals[0] === 'slo') {
      const setupOnly = SETUP_ONLY.filter((name) => given.has(name));
      if (setupOnly.length > 0) {
        throw new UsageError(`${setupOnly.map((name) => `--${name}`).join(', ')}: setup only`);
      }
      const api = await connect(values);
      // Every stream's SLOs, or the one --stream names.
      const stream = given.has('stream') ? await streamOption(api, values, io) : undefined;
      const statuses = (await readSloStatus(api, values.org)).filter(
        (status) =>
          stream === undefined ||
          Object.values(SLO_NAMES).some((base) => status.name === sloName(base, stream)),
      );
      if (values.json) io.json(statuses);
      else for (const line of formatSloStatus(statuses)) io.log(line);
      return EXIT.done;
    }
    const api = await connect(values);
    const options: SetupOptions = {
      org: values.org,
      stream: await streamOption(api, values, io),
      folder: values.folder,
      alertDestination: values['alert-destination'],
      retentionDays: values['retention-days'],
      thresholds: {
        rate5xx: values['5xx-rate'],
        p95Ms: values['p95-ms'],
        throttled: values['429-count'],
        minRequests: values['min-requests'],
      },
      availability: values.availability,
      latencyTarget: values['latency-target'],
      latencyMs: values['slo-latency-ms'],
    };
    const result = await runPlan(await planSetup(options, api), io, { dryRun: values['dry-run'] });
    if (values.json)
      io.json({ url: api.base, org: options.org, stream: options.stream, ...result });
    return planStatus(result);
  },
});
