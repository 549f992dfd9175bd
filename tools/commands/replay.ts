/**
 * `npm run replay`: sends what Firehose could not deliver (its S3 error records and backups) or
 * any access-log file through the processor to OpenObserve, resuming after a stop
 * (tools/replay/). The access key comes from OPENOBSERVE_ACCESS_KEY or a prompt, never from the
 * command line; the processor's settings from the function named by --function, else from this
 * shell's environment, and the run says which. Exits 1 when anything was kept in --failed, or
 * when it stopped (after its summary, in --json too).
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createAsyncProcessor } from '../../src/surface';
import { awsClients } from '../aws/clients';
import { defineCommand, EXIT } from '../cli/command';
import { StoppedError, UsageError } from '../cli/errors';
import { firehoseAccessKey, type Io, userPath } from '../cli/io';
import { COMMON_OPTIONS } from '../cli/options';
import { counted } from '../cli/output';
import { createProgress, type Progress } from '../cli/progress';
import { publicUrl, secureUrl } from '../cli/url';
import { DEFAULT_DELIVERY, openObserveEndpoint } from '../openobserve/firehose-endpoint';
import {
  DEFAULT_INGEST_WINDOW_HOURS,
  OLD_EVENTS,
  type OldEvents,
  windowMarginMinutes,
} from '../replay/events';
import { emptySummary, MAX_BATCH_RECORDS, type ReplaySummary, replay } from '../replay/replay';
import { describeSettings, processorConfig } from '../replay/settings';
import { listSources, type Source } from '../replay/sources';

/**
 * Whether a file in a folder named to replay is one of this run's own: its checkpoint (with the
 * checkpoint's temporary file and lock, a lock taken over set aside as `….gone`) or its failed
 * file. Read as sources they were sent as events, or made the folder impossible to replay.
 */
function ownFile(state: string, failed: string): (path: string) => boolean {
  const checkpoint = realPath(state);
  return (path) => {
    const full = realPath(path);
    if (full === checkpoint || full === realPath(failed)) return true;
    return (
      full.startsWith(`${checkpoint}.`) &&
      /^\.(tmp|lock|lock\.\d+\.gone)$/.test(full.slice(checkpoint.length))
    );
  };
}

/** A path with its links followed (a folder named through a link lists its files by it). */
function realPath(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    // Not there yet (a failed file this run makes): its folder's, then.
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/** The sources but this run's own files found in a folder named to replay, which it says. */
function withoutOwnFiles(
  listed: readonly Source[],
  specs: readonly string[],
  { state, failed }: { state: string; failed: string },
  io: Io,
): Source[] {
  const givenPaths = new Set(specs.map((spec) => resolve(spec)));
  const own = ownFile(state, failed);
  const ours = listed.filter(
    (source) => !source.name.startsWith('s3://') && !givenPaths.has(source.key) && own(source.name),
  );
  if (ours.length > 0) {
    io.log(`left out this run's own ${ours.map((source) => source.name).join(', ')}`);
  }
  return listed.filter((source) => !ours.includes(source));
}

/**
 * Where a run keeps its progress. A dry run keeps none; with --state it reads that checkpoint (one
 * for another --endpoint refused, as a run would), so it writes what a run with it would send.
 */
const checkpointOptions = (
  dryRun: boolean,
  stateGiven: boolean,
  state: string,
  endpoint: string,
) =>
  dryRun
    ? { checkpointFrom: stateGiven ? state : undefined, checkpointEndpoint: endpoint || undefined }
    : { statePath: state };

/** In a dry run the events go to standard output: notes only, no progress bar. */
const quietProgress = (io: Io): Progress => ({
  update: () => undefined,
  note: (line) => io.log(line),
  done: () => undefined,
});

function report(summary: ReplaySummary, dryRun: boolean, failedPath: string, windowHours: number) {
  const formats = Object.entries(summary.byFormat)
    .map(([format, count]) => `${format} ${count}`)
    .join(', ');
  const kept = dryRun ? `a run would keep them in ${failedPath}` : `kept in ${failedPath}`;
  const lines = [
    `${dryRun ? 'written' : 'sent'} ${counted(summary.sent, 'event')}${dryRun ? '' : ` in ${counted(summary.batches, 'batch', 'batches')}`}, failed ${summary.failed}${summary.failed ? ` (${kept})` : ''}, skipped ${summary.skipped} (done earlier), dropped ${summary.dropped}; by log format: ${formats || 'none'}`,
  ];
  if (summary.olderThanWindow > 0) {
    lines.push(
      `${summary.olderThanWindow} events were outside OpenObserve's ${windowHours}-hour ingest window: ${summary.oldSkipped} skipped (${kept}), ${summary.oldRestamped} restamped (time of sending in _timestamp, the original in original_timestamp), ${summary.oldSent} sent as they are`,
    );
  }
  if (summary.oldRestamped > 0) {
    // Dashboards and alerts count by _timestamp: old failures look like failures now.
    lines.push(
      `the ${summary.oldRestamped} restamped events count as traffic of the time they were sent: the dashboard's panels, and the alerts of that stream (5xx rate, p95, throttling), see them as now; tell whoever is on call, or silence the alerts while they are in the alerts' 10-minute window`,
    );
  }
  return lines;
}

export const command = defineCommand({
  // Standard output is for the events of a dry run, or the JSON summary.
  logTo: 'stderr',
  spec: {
    name: 'replay',
    summary:
      "Sends files, directories or s3:// prefixes (Firehose error records, backups, access-log lines) through the processor to OpenObserve, with the stream's Firehose access key from OPENOBSERVE_ACCESS_KEY (asked for on a terminal).",
    positionals: { value: '<file | dir | s3://bucket/prefix>…', min: 1 },
    options: {
      endpoint: {
        type: 'string',
        value: 'URL',
        help: "OpenObserve's Firehose endpoint, https://…/aws/<org>/<stream>/_kinesis_firehose (required unless --dry-run)",
      },
      'old-events': {
        type: 'string',
        value: 'WHAT',
        default: 'skip',
        choices: OLD_EVENTS,
        help: "events outside OpenObserve's ingest window: keep them in --failed, send them, or send them restamped",
      },
      'ingest-window-hours': {
        type: 'number',
        value: 'HOURS',
        default: DEFAULT_INGEST_WINDOW_HOURS,
        min: 1,
        max: 24 * 3650,
        help: "OpenObserve's ZO_INGEST_ALLOWED_UPTO",
      },
      state: {
        type: 'string',
        value: 'FILE',
        default: '.replay-state.json',
        help: 'the checkpoint a rerun resumes from',
      },
      failed: {
        type: 'string',
        value: 'FILE',
        default: 'replay-failed.ndjson',
        help: "where what cannot be sent is kept, with why (with --state NAME.json and no --failed: NAME-failed.ndjson beside it, a checkpoint's own)",
      },
      'batch-records': {
        type: 'number',
        value: 'N',
        default: 500,
        min: 1,
        max: MAX_BATCH_RECORDS,
        integer: true,
        help: 'records per request (Firehose sends at most 10,000)',
      },
      'batch-mb': {
        type: 'number',
        value: 'MB',
        default: 4,
        min: 0.001,
        max: 64,
        help: 'bytes per request',
      },
      'max-attempts': {
        type: 'number',
        value: 'N',
        default: DEFAULT_DELIVERY.maxAttempts,
        min: 1,
        max: 100,
        integer: true,
        help: 'attempts per batch before the run stops (a rerun resumes)',
      },
      'timeout-seconds': {
        type: 'number',
        value: 'S',
        default: DEFAULT_DELIVERY.timeoutMs / 1000,
        min: 1,
        max: 3600,
        help: 'a request not answered by then is retried',
      },
      function: {
        type: 'string',
        value: 'NAME',
        help: "use the deployed function's settings (LOG_FORMAT, SOURCE_IP, rules)",
      },
      'dry-run': {
        type: 'flag',
        help: 'write the events to standard output instead of sending them',
      },
      region: COMMON_OPTIONS.region,
      json: COMMON_OPTIONS.json,
    },
    check(values) {
      if (!values.endpoint && !values['dry-run']) {
        throw new UsageError('--endpoint is required unless --dry-run');
      }
      if (values.json && values['dry-run']) {
        throw new UsageError('--json or --dry-run: a dry run writes the events to standard output');
      }
    },
  },
  async run({ values: read, positionals, given }, io) {
    const dryRun = read['dry-run'];
    // Files the user named, from the folder `npm run` was started in; the checkpoint and failed
    // file by default in this package's folder, wherever it is run from, so that a rerun finds
    // them.
    const named = (option: 'state' | 'failed') =>
      given.has(option) ? userPath(read[option], 'replay') : read[option];
    const state = named('state');
    // One failed file per checkpoint: a rerun cuts its failed file back to what its checkpoint
    // counted, which would drop another checkpoint's entries.
    const failed =
      given.has('state') && !given.has('failed')
        ? join(dirname(state), `${basename(state).replace(/\.json$/i, '')}-failed.ndjson`)
        : named('failed');
    if (realPath(state) === realPath(failed)) {
      // The checkpoint is written whole after each batch: the entries kept would be lost.
      throw new UsageError(`--failed and --state name the same file, ${failed}: give each its own`);
    }
    const values = { ...read, state, failed };
    const specs = positionals.map((spec) =>
      spec.startsWith('s3://') ? spec : userPath(spec, 'replay'),
    );
    // The access key travels in a header: never over clear-text http to another machine.
    const endpoint = values.endpoint ? secureUrl(values.endpoint, '--endpoint').href : '';
    if (endpoint && !openObserveEndpoint(endpoint)) {
      // OpenObserve answers its Firehose protocol at one path only (docs/contracts.md §5).
      throw new UsageError(
        `--endpoint must be OpenObserve's Firehose endpoint, …/aws/{org}/{stream}/_kinesis_firehose: ${publicUrl(endpoint)}`,
      );
    }
    // What there is to read first: a name mistyped is said before anything else is asked for.
    const sources = withoutOwnFiles(
      await listSources(specs, () => awsClients(values.region).s3),
      specs,
      values,
      io,
    );
    if (sources.length === 0) {
      // Nothing to send: no key to ask for, no settings to read.
      io.log(`nothing to read in ${positionals.join(', ')}`);
      if (values.json) io.json(emptySummary());
      return EXIT.done;
    }
    const { config, from, env } = await processorConfig(values.function, values.region);
    io.log(`processor settings from ${from}: ${describeSettings(env)}`);
    const totalBytes = sources.reduce((sum, source) => sum + source.size, 0);
    const delivery = dryRun
      ? undefined
      : {
          ...DEFAULT_DELIVERY,
          endpoint,
          accessKey: await firehoseAccessKey(),
          maxAttempts: values['max-attempts'],
          timeoutMs: values['timeout-seconds'] * 1000,
        };
    const summary = await replay(
      sources,
      {
        batchRecords: values['batch-records'],
        batchBytes: values['batch-mb'] * 1024 * 1024,
        ...checkpointOptions(dryRun, given.has('state'), values.state, endpoint),
        failedPath: values.failed,
        delivery,
        ingestWindowHours: values['ingest-window-hours'],
        windowMarginMinutes: windowMarginMinutes({
          ...DEFAULT_DELIVERY,
          maxAttempts: values['max-attempts'],
          timeoutMs: values['timeout-seconds'] * 1000,
        }),
        oldEvents: values['old-events'] as OldEvents,
      },
      {
        processBatch: createAsyncProcessor(config),
        write: (line) => process.stdout.write(`${line}\n`),
        warn: (line) => io.log(line),
        progress: dryRun ? quietProgress(io) : createProgress(totalBytes),
        now: Date.now,
      },
    );
    for (const line of report(summary, dryRun, values.failed, values['ingest-window-hours'])) {
      io.log(line);
    }
    if (values.json) io.json(summary);
    if (summary.stopped) {
      throw new StoppedError(
        `${summary.stopped}; a rerun goes on after the last acknowledged batch (--state ${values.state})`,
      );
    }
    // Anything kept in the failed file was not delivered: say so to scripts too.
    return summary.failed > 0 ? EXIT.wrong : EXIT.done;
  },
});
