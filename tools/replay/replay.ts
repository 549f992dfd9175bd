/**
 * Replay and redrive: every line of every source through the processor's own code (the same
 * processor the Lambda runs), then to an OpenObserve Firehose endpoint, in batches within
 * Firehose's limits (docs/contracts.md §4). Progress is saved after each acknowledged batch, so a rerun
 * continues where a crash or Ctrl-C stopped it and sends no acknowledged batch again.
 */
import {
  appendFileSync,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { type Config, readConfig } from '../../src/config';
import { splitEventLines } from '../../src/encode';
import type { BatchOutcome } from '../../src/firehose';
import { createAsyncProcessor } from '../../src/firehose';
import { compileUserPatterns } from '../../src/rules';
import { withSecrets } from '../../src/secrets';
import { awsClients, errorName } from '../shared/aws';
import { type Command, numberOption, UsageError } from '../shared/command';
import { secureUrl } from '../shared/endpoint';
import type { Progress } from '../shared/progress';
import { createProgress } from '../shared/progress';
import { askHidden, Refused } from '../shared/prompt';
import { DEFAULT_DELIVERY, type DeliveryOptions, deliverBatch, Rejected } from './deliver';
import {
  listSources,
  MAX_INFLATED_BYTES,
  type Source,
  type Unit,
  UnreadableSource,
  unitOf,
} from './sources';

/** Firehose sends at most 10,000 records per request (§4). */
export const MAX_BATCH_RECORDS = 10_000;
/** OpenObserve drops events older than this by default (ZO_INGEST_ALLOWED_UPTO, in hours, §5). */
export const DEFAULT_INGEST_WINDOW_HOURS = 5;
/** …and events more than this far in the future (§5). */
const FUTURE_LIMIT_MS = 24 * 60 * 60 * 1000;

/**
 * What to do with events outside OpenObserve's ingest window, which it drops with a 200 answer:
 * `skip` keeps them in the failed file and ends with a non-zero status; `send` is for a server
 * whose window was raised; `restamp` sends them with `_timestamp` set to the time of sending and
 * the original in `original_timestamp`.
 */
export type OldEvents = 'skip' | 'send' | 'restamp';
export const OLD_EVENTS: readonly OldEvents[] = ['skip', 'send', 'restamp'];
/** A transformed record over this cannot be delivered (§4). */
const MAX_EVENT_BYTES = 1_024_000;

export interface ReplayOptions {
  readonly batchRecords: number;
  readonly batchBytes: number;
  /** Where progress is kept; undefined for a dry run. */
  readonly statePath?: string;
  /** Where events OpenObserve refused, and records the processor failed, are kept. */
  readonly failedPath: string;
  /** Undefined: dry run, events go to `write`. */
  readonly delivery?: DeliveryOptions;
  /** OpenObserve's ingest window (ZO_INGEST_ALLOWED_UPTO). */
  readonly ingestWindowHours: number;
  readonly oldEvents: OldEvents;
}

export interface ReplayDeps {
  /** The processor as the function runs it (createAsyncProcessor). */
  readonly processBatch: (event: FirehoseTransformationEvent) => Promise<BatchOutcome>;
  /** Dry-run output. */
  readonly write: (line: string) => void;
  readonly warn: (line: string) => void;
  readonly progress: Progress;
  readonly now: () => number;
}

export interface ReplaySummary {
  sent: number;
  batches: number;
  /** Events OpenObserve refused and records the processor failed: kept in failedPath. */
  failed: number;
  /** Units already acknowledged in an earlier run. */
  skipped: number;
  /** Records the processor dropped (empty, CloudWatch control messages). */
  dropped: number;
  /** Events outside OpenObserve's ingest window, and what was done with them. */
  olderThanWindow: number;
  oldSkipped: number;
  oldSent: number;
  oldRestamped: number;
  byFormat: Record<string, number>;
}

interface State {
  /** Per source key: units acknowledged, and whether the whole source is. */
  sources: Record<string, { done: number; complete?: boolean }>;
  /**
   * How long the failed file was at this checkpoint. A rerun cuts it back to that, then reads
   * again from the checkpoint: what it keeps again is in the file once.
   */
  failed?: { path: string; bytes: number };
}

function loadState(path: string | undefined): State {
  if (!path || !existsSync(path)) return { sources: {} };
  return JSON.parse(readFileSync(path, 'utf8')) as State;
}

function saveState(path: string | undefined, state: State): void {
  if (!path) return;
  // Written whole then renamed: a crash never leaves half a state file.
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.tmp`, path);
}

interface Pending {
  lines: string[];
  bytes: number;
  /** Bytes written to the failed file since the last checkpoint. */
  kept: number;
  /** Last unit index per source in this batch. */
  last: Map<string, number>;
  /** Sources whose every unit is in this batch or an earlier one. */
  ended: string[];
  old: number;
}

const emptyBatch = (): Pending => ({
  lines: [],
  bytes: 0,
  kept: 0,
  last: new Map(),
  ended: [],
  old: 0,
});

/** What a record that cannot be sent is kept as: why, where it was, and the record if it fits. */
function failedEntry(
  errorCode: string,
  errorMessage: string,
  source: Source,
  line: number,
  rawData?: string,
): string {
  return JSON.stringify({ errorCode, errorMessage, source: source.name, line, rawData });
}

/** The processor's output for one record: gzip when its events would not fit a record (§5). */
function outputLines(data: string): string[] {
  const bytes = Buffer.from(data, 'base64');
  const text =
    bytes[0] === 0x1f && bytes[1] === 0x8b
      ? gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8')
      : bytes.toString('utf8');
  return splitEventLines(text);
}

export async function replay(
  sources: readonly Source[],
  options: ReplayOptions,
  deps: ReplayDeps,
): Promise<ReplaySummary> {
  const state = loadState(options.statePath);
  const summary: ReplaySummary = {
    sent: 0,
    batches: 0,
    failed: 0,
    skipped: 0,
    dropped: 0,
    olderThanWindow: 0,
    oldSkipped: 0,
    oldSent: 0,
    oldRestamped: 0,
    byFormat: {},
  };
  let warnedOld = false;
  let batch = emptyBatch();

  const failedPath = resolve(options.failedPath);
  if (sources.some((source) => resolve(source.name) === failedPath)) {
    // It would read what it appends to.
    throw new UsageError(
      `--failed ${options.failedPath} is also a source: pass another --failed file to replay it`,
    );
  }
  let failedBytes = existsSync(failedPath) ? statSync(failedPath).size : 0;
  if (options.statePath && state.failed?.path === failedPath && failedBytes > state.failed.bytes) {
    // Kept after the last checkpoint by a run that stopped: this run keeps them again.
    truncateSync(failedPath, state.failed.bytes);
    failedBytes = state.failed.bytes;
  }

  const windowMs = options.ingestWindowHours * 60 * 60 * 1000;
  /** Why OpenObserve would drop an event with this `_timestamp` (µs), or '' when it keeps it (§5). */
  const outsideWindow = (timestamp: unknown, nowMs: number): string => {
    if (typeof timestamp !== 'number') return '';
    const ms = timestamp / 1000;
    const when = new Date(ms).toISOString();
    if (ms < nowMs - windowMs) {
      return `event time ${when} is older than the ${options.ingestWindowHours}-hour ingest window`;
    }
    if (ms > nowMs + FUTURE_LIMIT_MS) return `event time ${when} is more than 24 hours ahead`;
    return '';
  };

  const keepFailed = (lines: readonly string[]) => {
    if (lines.length === 0) return;
    const text = lines.map((line) => `${line}\n`).join('');
    appendFileSync(failedPath, text);
    const bytes = Buffer.byteLength(text);
    failedBytes += bytes;
    batch.kept += bytes;
    summary.failed += lines.length;
  };

  const flush = async () => {
    if (batch.lines.length === 0 && batch.ended.length === 0 && batch.last.size === 0) return;
    if (batch.lines.length > 0) {
      if (!options.delivery) {
        for (const line of batch.lines) deps.write(line);
        summary.sent += batch.lines.length;
      } else {
        if (batch.old > 0 && !warnedOld) {
          warnedOld = true;
          deps.warn(
            `warning: sending events outside OpenObserve's ${options.ingestWindowHours}-hour ingest window as they are (--old-events send): ` +
              'OpenObserve drops them silently (HTTP 200) unless its ZO_INGEST_ALLOWED_UPTO setting (hours) covers them.',
          );
        }
        try {
          await deliverBatch(batch.lines, options.delivery, (attempt, reason, delay) =>
            deps.progress.note(`retry ${attempt} in ${(delay / 1000).toFixed(1)} s: ${reason}`),
          );
          summary.sent += batch.lines.length;
        } catch (error) {
          if (!(error instanceof Rejected)) throw error;
          deps.progress.note(
            `batch refused (${error.message}); its events are kept in ${options.failedPath}`,
          );
          keepFailed(batch.lines);
        }
        summary.batches++;
      }
    }
    for (const [key, last] of batch.last) {
      state.sources[key] = { done: last + 1 };
    }
    for (const key of batch.ended)
      state.sources[key] = {
        ...state.sources[key],
        done: state.sources[key]?.done ?? 0,
        complete: true,
      };
    state.failed = { path: failedPath, bytes: failedBytes };
    saveState(options.statePath, state);
    deps.progress.update({ events: summary.sent });
    batch = emptyBatch();
  };

  /** A unit's event lines, and failed-file entries for what of it cannot be sent. */
  const eventsOf = async (
    unit: Unit,
    source: Source,
    line: number,
  ): Promise<{ events: string[]; failed: string[] }> => {
    if (unit.kind === 'events') return { events: unit.lines, failed: [] };
    if (unit.kind === 'unreadable') {
      return {
        events: [],
        failed: [unit.entry ?? failedEntry('Replay.Unreadable', unit.reason, source, line)],
      };
    }
    const { response } = await deps.processBatch({
      invocationId: 'replay',
      deliveryStreamArn: 'replay',
      region: '',
      records: [{ recordId: '0', approximateArrivalTimestamp: unit.arrivalMs, data: unit.data }],
    });
    const result = response.records[0];
    if (result?.result === 'Dropped') {
      summary.dropped++;
      return { events: [], failed: [] };
    }
    if (result?.result === 'Ok') {
      try {
        return { events: outputLines(result.data ?? ''), failed: [] };
      } catch (error) {
        const reason = `the processor's output cannot be read: ${(error as Error).message}`;
        return {
          events: [],
          failed: [failedEntry('Replay.ProcessingFailed', reason, source, line, unit.data)],
        };
      }
    }
    const reason = 'the processor returned ProcessingFailed (as the function would)';
    return {
      events: [],
      failed: [failedEntry('Replay.ProcessingFailed', reason, source, line, unit.data)],
    };
  };

  /**
   * A unit's events sorted into what is sent and what is kept, with nothing written yet: the
   * batch before may have to be sent and checkpointed first.
   */
  const sortEvents = (events: readonly string[], source: Source, line: number) => {
    const send: string[] = [];
    const failed: string[] = [];
    let old = 0;
    for (const event of events) {
      if (Buffer.byteLength(event) > MAX_EVENT_BYTES) {
        failed.push(
          failedEntry(
            'Replay.EventTooLarge',
            `an event over Firehose's ${MAX_EVENT_BYTES}-byte record limit`,
            source,
            line,
            Buffer.from(event).toString('base64'),
          ),
        );
        continue;
      }
      let parsed: Record<string, unknown>;
      try {
        const value: unknown = JSON.parse(event);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new Error('not a JSON object');
        }
        parsed = value as Record<string, unknown>;
      } catch (error) {
        // OpenObserve fails a whole request for one line that is not JSON (§5).
        failed.push(
          failedEntry(
            'Replay.NotAnEvent',
            `starts as an event ({ and a tab) but is not one: ${(error as Error).message}`,
            source,
            line,
            Buffer.from(event).toString('base64'),
          ),
        );
        continue;
      }
      const format = String(parsed.log_format ?? 'unknown');
      summary.byFormat[format] = (summary.byFormat[format] ?? 0) + 1;
      const outside = outsideWindow(parsed._timestamp, deps.now());
      if (!outside) {
        send.push(event);
        continue;
      }
      summary.olderThanWindow++;
      if (options.oldEvents === 'skip') {
        failed.push(
          JSON.stringify({
            errorCode: 'Replay.OutsideIngestWindow',
            errorMessage: `${outside}; OpenObserve would drop it with a 200 answer. Rerun with --old-events restamp, or --old-events send once ZO_INGEST_ALLOWED_UPTO covers it`,
            source: source.name,
            line,
            rawData: Buffer.from(event).toString('base64'),
          }),
        );
        summary.oldSkipped++;
      } else if (options.oldEvents === 'restamp') {
        const restamped = {
          ...parsed,
          _timestamp: deps.now() * 1000,
          original_timestamp: parsed._timestamp,
        };
        send.push(`{\t${JSON.stringify(restamped).slice(1)}`);
        summary.oldRestamped++;
      } else {
        send.push(event);
        old++;
        summary.oldSent++;
      }
    }
    return { send, failed, old };
  };

  for (const source of sources) {
    const saved = state.sources[source.key];
    if (saved?.complete) {
      summary.skipped += saved.done;
      deps.progress.update({ bytes: source.size });
      continue;
    }
    const done = saved?.done ?? 0;
    try {
      for await (const piece of source.records()) {
        const index = piece.line - 1;
        deps.progress.update({
          bytes:
            'tooLong' in piece
              ? piece.tooLong + 1
              : 'gzip' in piece
                ? piece.gzip.length
                : Buffer.byteLength(piece.text) + 1,
        });
        if (index < done) {
          summary.skipped++;
          continue;
        }
        const unit = unitOf(piece, deps.now());
        const { events, failed } = unit
          ? await eventsOf(unit, source, piece.line)
          : { events: [], failed: [] };
        const sorted = sortEvents(events, source, piece.line);
        const bytes = sorted.send.reduce((sum, event) => sum + Buffer.byteLength(event) + 1, 0);
        if (
          (batch.lines.length > 0 &&
            (batch.lines.length + sorted.send.length > options.batchRecords ||
              batch.bytes + bytes > options.batchBytes)) ||
          // Many kept records and nothing to send: checkpoint them all the same.
          batch.kept > options.batchBytes
        ) {
          await flush();
        }
        keepFailed([...failed, ...sorted.failed]);
        batch.lines.push(...sorted.send);
        batch.old += sorted.old;
        batch.bytes += bytes;
        batch.last.set(source.key, index);
      }
    } catch (error) {
      if (!(error instanceof UnreadableSource)) throw error;
      // The records read before count; the rest of this source cannot be read by any rerun.
      deps.progress.note(`${source.name}: ${error.message}; kept in ${options.failedPath}`);
      keepFailed([failedEntry('Replay.SourceUnreadable', error.message, source, error.line + 1)]);
    }
    batch.ended.push(source.key);
  }
  await flush();
  deps.progress.done();
  return summary;
}

/** The variables that change what the processor makes of a line (README, Settings). */
const PROCESSOR_SETTINGS = [
  'LOG_FORMAT',
  'ON_PARSE_ERROR',
  'LATENCY_BUCKETS_MS',
  'SOURCE_IP',
  'DROP_EVENTS',
  'SAMPLE',
  'REDACT',
  'DROP_FIELDS',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** One line naming each processor setting and its value (never the hash key itself). */
export function describeSettings(env: Env): string {
  return PROCESSOR_SETTINGS.map((name) => {
    const value = env[name]?.trim();
    if (!value) return `${name} unset`;
    return `${name} ${name === 'LOG_FORMAT' ? 'set (a custom format)' : value}`;
  }).join(', ');
}

/**
 * The processor's settings: the deployed function's environment with `--function` (as Lambda
 * runs it, so a replay redacts what the function would), else this shell's. A hash key named by
 * its secret's ARN is read from Secrets Manager, as the function reads it at init.
 */
async function processorConfig(
  functionName: string | undefined,
  region: string | undefined,
): Promise<{ config: Config; from: string; env: Env }> {
  let env: Env = process.env;
  let from = "this shell's environment (pass --function NAME to use the deployed function's)";
  if (functionName) {
    let fn: FunctionConfiguration;
    try {
      fn = await awsClients(region).lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: functionName }),
      );
    } catch (error) {
      throw new Refused(
        `cannot read the settings of function ${functionName}: ${errorName(error) || 'error'}: ${(error as Error).message}`,
      );
    }
    env = fn.Environment?.Variables ?? {};
    from = `the function ${fn.FunctionName ?? functionName}`;
  }
  const secrets = new SecretsManagerClient(region ? { region } : {});
  const config = await withSecrets(readConfig(env), async (arn) => {
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    return secret.SecretString;
  });
  return { config, from, env };
}

function accessKey(): Promise<string> | string {
  return (
    process.env.OPENOBSERVE_ACCESS_KEY ||
    askHidden(
      'OpenObserve Access Key: ',
      'set OPENOBSERVE_ACCESS_KEY (OpenObserve → Data Sources → AWS → Access Key)',
    )
  );
}

/**
 * The access key comes from OPENOBSERVE_ACCESS_KEY or a prompt, never from the command line.
 * Processor settings (LOG_FORMAT, SOURCE_IP, …) come from the function named by --function, else
 * from this shell's environment; the run says which.
 */
export const command: Command = {
  usage:
    'usage: npm run replay -- <file | dir | s3://bucket/prefix>… --endpoint https://…/aws/<org>/<stream>/_kinesis_firehose [--dry-run] [--old-events skip|send|restamp] [--ingest-window-hours 5] [--state .replay-state.json] [--failed replay-failed.ndjson] [--batch-records 500] [--batch-mb 4] [--max-attempts 8] [--timeout-seconds 60] [--function NAME] [--region r]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        endpoint: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        state: { type: 'string', default: '.replay-state.json' },
        failed: { type: 'string', default: 'replay-failed.ndjson' },
        'batch-records': { type: 'string', default: '500' },
        'batch-mb': { type: 'string', default: '4' },
        'max-attempts': { type: 'string', default: String(DEFAULT_DELIVERY.maxAttempts) },
        'timeout-seconds': { type: 'string', default: String(DEFAULT_DELIVERY.timeoutMs / 1000) },
        'ingest-window-hours': { type: 'string', default: String(DEFAULT_INGEST_WINDOW_HOURS) },
        'old-events': { type: 'string', default: 'skip' },
        region: { type: 'string' },
        function: { type: 'string' },
      },
    });
    const dryRun = values['dry-run'];
    if (positionals.length === 0)
      throw new UsageError('name at least one file, directory or s3:// prefix');
    if (!values.endpoint && !dryRun)
      throw new UsageError('--endpoint is required unless --dry-run');
    // Firehose sends at most 10,000 records per request (§4).
    const batchRecords = numberOption(
      'batch-records',
      values['batch-records'],
      1,
      MAX_BATCH_RECORDS,
      true,
    );
    const batchMB = numberOption('batch-mb', values['batch-mb'], 0.001, 64);
    const maxAttempts = numberOption('max-attempts', values['max-attempts'], 1, 100, true);
    const timeoutSeconds = numberOption('timeout-seconds', values['timeout-seconds'], 1, 3600);
    const ingestWindowHours = numberOption(
      'ingest-window-hours',
      values['ingest-window-hours'],
      1,
      24 * 3650,
    );
    const oldEvents = values['old-events'] as OldEvents;
    if (!OLD_EVENTS.includes(oldEvents)) {
      throw new UsageError(`--old-events must be one of ${OLD_EVENTS.join(', ')}`);
    }
    // The access key travels in a header: never over clear-text http to another machine.
    const endpoint = values.endpoint ? secureUrl(values.endpoint, '--endpoint').href : '';

    // The processor's settings, checked as the function checks them at init.
    const { config, from, env } = await processorConfig(values.function, values.region);
    await compileUserPatterns(config.rules);
    process.stderr.write(`processor settings from ${from}: ${describeSettings(env)}\n`);
    const sources = await listSources(positionals, () => awsClients(values.region).s3);
    const totalBytes = sources.reduce((sum, source) => sum + source.size, 0);
    const delivery = dryRun
      ? undefined
      : {
          ...DEFAULT_DELIVERY,
          endpoint,
          accessKey: await accessKey(),
          maxAttempts,
          timeoutMs: timeoutSeconds * 1000,
        };
    const summary = await replay(
      sources,
      {
        batchRecords,
        batchBytes: batchMB * 1024 * 1024,
        statePath: dryRun ? undefined : values.state,
        failedPath: values.failed,
        delivery,
        ingestWindowHours,
        oldEvents,
      },
      {
        processBatch: createAsyncProcessor(config),
        write: (line) => process.stdout.write(`${line}\n`),
        warn: (line) => process.stderr.write(`${line}\n`),
        progress: dryRun
          ? {
              update: () => undefined,
              note: (line) => process.stderr.write(`${line}\n`),
              done: () => undefined,
            }
          : createProgress(totalBytes),
        now: Date.now,
      },
    );
    const formats = Object.entries(summary.byFormat)
      .map(([format, count]) => `${format} ${count}`)
      .join(', ');
    process.stderr.write(
      `${dryRun ? 'written' : 'sent'} ${summary.sent} events${dryRun ? '' : ` in ${summary.batches} batches`}, failed ${summary.failed}${summary.failed ? ` (kept in ${values.failed})` : ''}, skipped ${summary.skipped} (done earlier), dropped ${summary.dropped}; by log format: ${formats || 'none'}\n`,
    );
    if (summary.olderThanWindow > 0) {
      process.stderr.write(
        `${summary.olderThanWindow} events were outside OpenObserve's ${ingestWindowHours}-hour ingest window: ${summary.oldSkipped} skipped (kept in ${values.failed}), ${summary.oldRestamped} restamped (time of sending in _timestamp, the original in original_timestamp), ${summary.oldSent} sent as they are\n`,
      );
    }
    // Anything kept in the failed file was not delivered: say so to scripts too.
    return summary.failed > 0 ? 1 : 0;
  },
};
