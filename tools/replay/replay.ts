/**
 * Replay and redrive: every line of every source through the processor's own code (the same
 * processor the Lambda runs), then to an OpenObserve Firehose endpoint, in batches within
 * Firehose's limits (docs/contracts.md §4). Progress is saved after each acknowledged batch, so a
 * rerun continues where a crash or Ctrl-C stopped it and sends no acknowledged batch again.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, statSync, truncateSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { type BatchOutcome, TOO_LARGE_REASONS } from '../../src/surface';
import { RejectedError, StoppedError, UnreadableSourceError, UsageError } from '../cli/errors';
import type { Progress } from '../cli/progress';
import {
  type DeliveryOptions,
  deliverBatch,
  TooLargeError,
} from '../openobserve/firehose-endpoint';
import { envelopeHalves, failedEntry, type OldEvents, outputLines, sortEvent } from './events';
import { HEAD_BYTES, type Piece, type Source, type Unit, unitOf } from './sources';
import { loadState, lockFile, type ReadAs, type State, saveState } from './state';

/** Firehose sends at most 10,000 records per request (§4). */
export const MAX_BATCH_RECORDS = 10_000;

export interface ReplayOptions {
  readonly batchRecords: number;
  readonly batchBytes: number;
  /** Where progress is kept; undefined for a dry run. */
  readonly statePath?: string;
  /**
   * A dry run's checkpoint, read and never written: it skips what a run with it would skip, so it
   * writes what that run would send.
   */
  readonly checkpointFrom?: string;
  /** The endpoint a dry run's checkpoint must be for, as a run's is (--endpoint). */
  readonly checkpointEndpoint?: string;
  /** Where events OpenObserve refused, and records the processor failed, are kept. */
  readonly failedPath: string;
  /** Undefined: dry run, events go to `write`. */
  readonly delivery?: DeliveryOptions;
  /** OpenObserve's ingest window (ZO_INGEST_ALLOWED_UPTO). */
  readonly ingestWindowHours: number;
  /** Minutes before the window's edge that count as outside (windowMarginMinutes). */
  readonly windowMarginMinutes: number;
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
  /**
   * Events outside OpenObserve's ingest window, and what was done with them (those sent or
   * restamped counted once OpenObserve took them).
   */
  olderThanWindow: number;
  oldSkipped: number;
  oldSent: number;
  oldRestamped: number;
  /** Events sent (written, in a dry run) by log format. */
  byFormat: Record<string, number>;
  /** Why the run stopped before the end (its summary is of what it did until then). */
  stopped?: string;
}

interface Pending {
  lines: string[];
  /** The lines sent gzip-compressed, by index: each an event too large for a record otherwise. */
  gzip: Map<number, Buffer>;
  /** Each line's log format. */
  formats: string[];
  /** Each line's event outside the ingest window: sent as it is, or restamped. */
  outside: ('sent' | 'restamped' | undefined)[];
  bytes: number;
  /** Bytes written to the failed file since the last checkpoint. */
  kept: number;
  /** Last unit index per source in this batch. */
  last: Map<string, number>;
  /** A unit whose first `events` events are done (sent or kept) with this batch, the rest not. */
  partial?: { key: string; unit: number; events: number; digest: string };
  /** Sources whose every unit is in this batch or an earlier one. */
  ended: { key: string; size: number }[];
}

const emptyBatch = (): Pending => ({
  lines: [],
  gzip: new Map(),
  formats: [],
  outside: [],
  bytes: 0,
  kept: 0,
  last: new Map(),
  ended: [],
});

export const emptySummary = (): ReplaySummary => ({
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
});

/** A digest of a unit's first `count` events: whether a rerun's are the same. */
const digestOf = (events: readonly string[], count: number) => {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) hash.update(`${events[i]}\n`);
  return hash.digest('hex').slice(0, 32);
};

/** Reading a source failed, not for what it holds (UnreadableSourceError) but for the reading. */
class ReadFailed extends Error {
  override name = 'ReadFailed';
}

/** A source's records, an error of reading them a ReadFailed (errors of what reads them are not). */
async function* readFailures(records: AsyncIterable<Piece>): AsyncGenerator<Piece> {
  try {
    yield* records;
  } catch (error) {
    if (error instanceof UnreadableSourceError) throw error;
    throw new ReadFailed((error as Error).message, { cause: error });
  }
}

/** One run over the sources: the batch being built, the checkpoint and the failed file. */
class ReplayRun {
  readonly summary = emptySummary();
  /** How each source read: lines, or Firehose events' records (state.ts). */
  private readonly readAs = new Map<string, ReadAs>();
  /** A local file's first bytes, `<count>:<digest>` (savedOf). */
  private readonly heads = new Map<string, string>();
  /** The last `_timestamp` a restamped event was given (µs): the next is later. */
  private restampedUs = 0;
  private readonly state: State;
  private readonly failedPath: string;
  private failedBytes: number;
  private batch = emptyBatch();
  /** The batch limits: the options', lowered for the rest of the run by a 413. */
  private maxRecords: number;
  private maxBytes: number;
  private warnedOld = false;

  constructor(
    sources: readonly Source[],
    private readonly options: ReplayOptions,
    private readonly deps: ReplayDeps,
  ) {
    this.maxRecords = options.batchRecords;
    this.maxBytes = options.batchBytes;
    this.state = loadState(
      options.statePath ?? options.checkpointFrom,
      options.delivery?.endpoint ?? options.checkpointEndpoint,
    );
    this.failedPath = resolve(options.failedPath);
    if (sources.some((source) => resolve(source.name) === this.failedPath)) {
      // It would read what it appends to.
      throw new UsageError(
        `--failed ${options.failedPath} is also a source: pass another --failed file to replay it`,
      );
    }
    this.failedBytes = existsSync(this.failedPath) ? statSync(this.failedPath).size : 0;
    const saved = this.state.failed;
    if (options.statePath && saved?.path === this.failedPath && this.failedBytes > saved.bytes) {
      // Kept after the last checkpoint by a run that stopped: this run keeps them again.
      truncateSync(this.failedPath, saved.bytes);
      this.failedBytes = saved.bytes;
    }
  }

  private keepFailed(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = lines.map((line) => `${line}\n`).join('');
    // A dry run changes nothing: what it would keep is counted only (a real run after it would
    // keep the same entries again).
    if (this.options.delivery) {
      const checkpointed = this.state.failed;
      if (checkpointed?.path !== this.failedPath || checkpointed.bytes > this.failedBytes) {
        // A checkpoint of the file's length before this run's first entry: a run that stops
        // before its first acknowledged batch has its entries cut back by the rerun too. Also
        // when the file is shorter than the checkpoint says (moved away, emptied): a rerun would
        // cut this run's entries back to that length, in the middle of one.
        this.state.failed = { path: this.failedPath, bytes: this.failedBytes };
        saveState(this.options.statePath, this.state);
      }
      appendFileSync(this.failedPath, text);
    }
    const bytes = Buffer.byteLength(text);
    this.failedBytes += bytes;
    this.batch.kept += bytes;
    this.summary.failed += lines.length;
  }

  /** These events of the batch counted as sent. */
  private sent(indexes: readonly number[]): void {
    const { summary, batch } = this;
    summary.sent += indexes.length;
    for (const i of indexes) {
      const format = batch.formats[i] as string;
      summary.byFormat[format] = (summary.byFormat[format] ?? 0) + 1;
      const outside = batch.outside[i];
      if (outside === 'sent') summary.oldSent++;
      if (outside === 'restamped') summary.oldRestamped++;
      if (outside) summary.olderThanWindow++;
    }
  }

  /** Sends the batch (or writes it, in a dry run); a refused batch is kept in the failed file. */
  private async send(): Promise<void> {
    const { delivery } = this.options;
    const all = this.batch.lines.map((_, i) => i);
    if (!delivery) {
      for (const line of this.batch.lines) this.deps.write(line);
      this.sent(all);
      return;
    }
    await this.deliver(all, delivery);
  }

  /**
   * Sends these events of the batch as one request. A request too large for the server (413, a
   * proxy's body limit) goes again as two of half the events each; what it refuses for good is
   * kept in the failed file.
   */
  private async deliver(indexes: readonly number[], delivery: DeliveryOptions): Promise<void> {
    const { lines, gzip } = this.batch;
    try {
      const records = indexes.map((i) => gzip.get(i) ?? (lines[i] as string));
      await deliverBatch(records, delivery, (attempt, reason, delay) =>
        this.deps.progress.note(`retry ${attempt} in ${(delay / 1000).toFixed(1)} s: ${reason}`),
      );
      this.sent(indexes);
      this.summary.batches++;
      return;
    } catch (error) {
      if (!(error instanceof RejectedError)) throw error;
      if (error instanceof TooLargeError && indexes.length > 1) {
        this.deps.progress.note(`batch too large (${error.message}); sent again in two halves`);
        const middle = Math.ceil(indexes.length / 2);
        // The batches after it are made no larger than a half: one request each, not three.
        this.maxRecords = Math.min(this.maxRecords, middle);
        this.maxBytes = Math.min(this.maxBytes, this.bytesOf(indexes.slice(0, middle)));
        await this.deliver(indexes.slice(0, middle), delivery);
        await this.deliver(indexes.slice(middle), delivery);
        return;
      }
      this.deps.progress.note(
        `batch refused (${error.message}); its events are kept in ${this.options.failedPath}`,
      );
      // An event sent gzip-compressed is kept as its record: as a line it could pass what a
      // replay of the file reads (MAX_LINE_BYTES), and be read back as nothing but its length.
      const kept = indexes.map((i) => {
        const record = gzip.get(i);
        if (!record) return lines[i] as string;
        const rawData = record.toString('base64');
        return JSON.stringify({
          errorCode: 'Replay.BatchRefused',
          errorMessage: error.message,
          rawData,
        });
      });
      this.keepFailed(kept);
    }
  }

  /** Sends the batch, then saves the checkpoint: what it covers is never sent again. */
  async flush(): Promise<void> {
    const batch = this.batch;
    if (
      batch.lines.length === 0 &&
      batch.ended.length === 0 &&
      batch.last.size === 0 &&
      batch.kept === 0 &&
      !batch.partial
    ) {
      return;
    }
    if (batch.lines.length > 0) await this.send();
    const sources = this.state.sources;
    const how = (key: string) => ({ read: this.readAs.get(key), head: this.heads.get(key) });
    for (const [key, last] of batch.last) sources[key] = { done: last + 1, ...how(key) };
    if (batch.partial) {
      const { key, unit, events, digest } = batch.partial;
      sources[key] = { done: unit, events, digest, ...how(key) };
    }
    for (const { key, size } of batch.ended) {
      sources[key] = {
        ...sources[key],
        done: sources[key]?.done ?? 0,
        complete: true,
        size,
        ...how(key),
      };
    }
    this.state.failed = { path: this.failedPath, bytes: this.failedBytes };
    saveState(this.options.statePath, this.state);
    this.deps.progress.update({ events: this.summary.sent });
    this.batch = emptyBatch();
  }

  /** A unit's event lines, and failed-file entries for what of it cannot be sent. */
  private async eventsOf(unit: Unit, source: Source, line: number) {
    if (unit.kind === 'events') return { events: unit.lines, failed: [] };
    if (unit.kind === 'unreadable') {
      const entry = unit.entry ?? failedEntry('Replay.Unreadable', unit.reason, source, line);
      return { events: [], failed: [entry] };
    }
    return this.processed(unit.data, unit.arrivalMs, source, line);
  }

  /**
   * One record through the processor, as the function would transform it. A CloudWatch Logs record
   * it fails for the size of its events alone (the function's limits of one record's output) goes
   * through again in halves, each a record of its own: a replay sends events one by one, so no
   * record limit holds here, and the record the function could not send is sent whole.
   */
  private async processed(
    data: string,
    arrivalMs: number,
    source: Source,
    line: number,
  ): Promise<{ events: string[]; failed: string[] }> {
    const { response, summary } = await this.deps.processBatch({
      invocationId: 'replay',
      deliveryStreamArn: 'replay',
      region: '',
      records: [{ recordId: '0', approximateArrivalTimestamp: arrivalMs, data }],
    });
    const result = response.records[0];
    if (result?.result === 'Dropped') {
      this.summary.dropped++;
      return { events: [], failed: [] };
    }
    const why = Object.keys(summary?.reasons ?? {})[0];
    let reason = `the processor returned ProcessingFailed (as the function would)${why ? `: ${why}` : ''}`;
    if (result?.result === 'Ok') {
      try {
        return { events: outputLines(result.data ?? ''), failed: [] };
      } catch (error) {
        reason = `the processor's output cannot be read: ${(error as Error).message}`;
      }
    }
    const halves = why && TOO_LARGE_REASONS.includes(why) ? envelopeHalves(data) : undefined;
    if (halves) {
      const events: string[] = [];
      const failed: string[] = [];
      for (const half of halves) {
        const part = await this.processed(half, arrivalMs, source, line);
        // One by one: a spread of hundreds of thousands of events would pass the call stack.
        for (const event of part.events) events.push(event);
        for (const entry of part.failed) failed.push(entry);
      }
      return { events, failed };
    }
    const entry = failedEntry('Replay.ProcessingFailed', reason, source, line, data, arrivalMs);
    return { events: [], failed: [entry] };
  }

  /** Whether one more event of `bytes` would make the batch pass a limit. */
  private full(bytes: number): boolean {
    const { batch } = this;
    return (
      batch.lines.length > 0 &&
      (batch.lines.length >= this.maxRecords || batch.bytes + bytes > this.maxBytes)
    );
  }

  /** The bytes these events of the batch take in a request, as `full` counts them. */
  private bytesOf(indexes: readonly number[]): number {
    const { lines, gzip } = this.batch;
    return indexes.reduce(
      (sum, i) => sum + (gzip.get(i)?.length ?? Buffer.byteLength(lines[i] as string) + 1),
      0,
    );
  }

  /**
   * One record of a source, its events taken in order: each is kept in the failed file or added
   * to the batch, which is sent first when the event would not fit. A record of many events (a
   * CloudWatch Logs record, a gzip record) spans batches; each checkpoint names the first event
   * not yet done and a digest of those done, and a rerun goes on from there (`resume`) when the
   * record's first events are still those.
   */
  async add(
    source: Source,
    piece: Piece,
    resume?: { readonly events?: number; readonly digest?: string },
  ): Promise<void> {
    const unit = unitOf(piece, this.deps.now());
    const { events, failed } = unit
      ? await this.eventsOf(unit, source, piece.line)
      : { events: [], failed: [] };
    let from = resume?.events ?? 0;
    if (from > 0 && digestOf(events, from) !== resume?.digest) {
      // Other settings, or another processor, since the run that sent its first events: what
      // they are now is sent whole (the ones unchanged a second time), rather than skipped by
      // position (which would lose some).
      this.deps.progress.note(
        `${source.name}, record ${piece.line}: its first ${from} events differ from those an earlier run sent (other settings?); sending all of its events`,
      );
      from = 0;
    }
    // Many kept records and nothing to send: checkpoint them all the same.
    if (this.batch.kept > this.options.batchBytes) await this.flush();
    // A record resumed inside had its failed parts (the halves of a record too large) kept by the
    // run that sent its first events, with that checkpoint.
    if (from === 0) this.keepFailed(failed);
    const options = {
      source,
      line: piece.line,
      nowMs: this.deps.now(),
      ingestWindowHours: this.options.ingestWindowHours,
      windowMarginMinutes: this.options.windowMarginMinutes,
      oldEvents: this.options.oldEvents,
      restampUs: () => {
        this.restampedUs = Math.max(this.deps.now() * 1000, this.restampedUs + 1);
        return this.restampedUs;
      },
    };
    const unitIndex = piece.line - 1;
    for (let i = from; i < events.length; i++) {
      const sorted = sortEvent(events[i] as string, options);
      if ('kept' in sorted) {
        this.keepFailed([sorted.kept]);
        if (sorted.outside) {
          this.summary.oldSkipped++;
          this.summary.olderThanWindow++;
        }
        continue;
      }
      const bytes = sorted.gzip ? sorted.gzip.length : Buffer.byteLength(sorted.send) + 1;
      if (this.full(bytes)) {
        if (i > 0) {
          const digest = digestOf(events, i);
          this.batch.partial = { key: source.key, unit: unitIndex, events: i, digest };
        }
        await this.flush();
      }
      if (sorted.outside === 'sent') this.warnOld();
      const batch = this.batch;
      if (sorted.gzip) batch.gzip.set(batch.lines.length, sorted.gzip);
      batch.lines.push(sorted.send);
      batch.formats.push(sorted.format);
      batch.bytes += bytes;
      batch.outside.push(
        sorted.outside === 'sent' || sorted.outside === 'restamped' ? sorted.outside : undefined,
      );
    }
    this.batch.last.set(source.key, unitIndex);
  }

  /** Says once, before the first is sent, that events outside the window go as they are. */
  private warnOld(): void {
    if (this.warnedOld || !this.options.delivery) return;
    this.warnedOld = true;
    this.deps.warn(
      `warning: sending events outside OpenObserve's ${this.options.ingestWindowHours}-hour ingest window as they are (--old-events send): ` +
        'OpenObserve drops them silently (HTTP 200) unless its ZO_INGEST_ALLOWED_UPTO setting (hours) covers them.',
    );
  }

  /**
   * How the source reads (its first unit says), and the checkpoint to resume from: none when an
   * earlier run read it the other way, whose units number differently.
   */
  private readingAs(source: Source, first: Piece, saved: State['sources'][string] | undefined) {
    const read: ReadAs = 'data' in first ? 'events' : 'lines';
    this.readAs.set(source.key, read);
    if (!saved?.read || saved.read === read) return saved;
    if (saved.read === 'events') {
      // Its first line broken since: read as lines from the start, then again as events once it
      // is fixed, its first records would go twice.
      throw new UnreadableSourceError(
        0,
        'read as Firehose events before, its first line is no event now: fix it and rerun',
      );
    }
    // Read as lines before (its first line was broken), as events now.
    this.deps.progress.note(
      `${source.name}: read as access-log lines before, as Firehose events now; read from its start`,
    );
    return undefined;
  }

  /**
   * A source's checkpoint, none when it was read as lines before and its first bytes differ now: a
   * log replaced under the same path (rotated) is read from its start, not from where the old one
   * was left. A file of Firehose events is fixed in place and read on (readingAs tells a first
   * line fixed); a gzip file fetched again whole starts with the same bytes. Its first bytes now
   * are kept for the next checkpoint.
   */
  private savedOf(source: Source): State['sources'][string] | undefined {
    const saved = this.state.sources[source.key];
    const { headOf } = source;
    if (!headOf) return saved;
    // Gone since it was listed, say: the run stops as when reading it fails.
    const head = (bytes: number) => {
      try {
        return headOf(bytes);
      } catch (error) {
        throw new ReadFailed((error as Error).message, { cause: error });
      }
    };
    const bytes = Math.min(source.size, HEAD_BYTES);
    this.heads.set(source.key, `${bytes}:${head(bytes)}`);
    const [before, digest] = saved?.head?.split(':') ?? [];
    // A file of Firehose events is fixed in place, not rotated: readingAs tells its first line.
    if (saved?.read === 'events' || !digest || head(Number(before)) === digest) return saved;
    this.deps.progress.note(
      `${source.name}: not the file an earlier run read (its first ${before} bytes differ: replaced?); read from its start`,
    );
    return undefined;
  }

  /** Every record of a source not acknowledged before; an unreadable rest is kept as one entry. */
  async readSource(source: Source): Promise<void> {
    let saved: State['sources'][string] | undefined;
    let resume: State['sources'][string] | undefined;
    try {
      saved = this.savedOf(source);
      if (saved?.complete && (saved.size === undefined || saved.size === source.size)) {
        this.summary.skipped += saved.done;
        this.deps.progress.update({ bytes: source.size });
        return;
      }
      resume = saved;
      // Bytes as stored: a gzip file's progress is not its inflated text against its size.
      const onRead = (bytes: number) => this.deps.progress.update({ bytes });
      for await (const piece of readFailures(source.records(onRead))) {
        if (!this.readAs.has(source.key)) resume = this.readingAs(source, piece, saved);
        const done = resume?.done ?? 0;
        if (piece.line - 1 < done) this.summary.skipped++;
        else await this.add(source, piece, piece.line - 1 === done ? resume : undefined);
      }
    } catch (error) {
      if (error instanceof ReadFailed) {
        // A connection reset, an object deleted since it was listed: what was read before goes
        // out and is checkpointed, and the run stops; a rerun reads on from there.
        await this.flush();
        throw new StoppedError(`reading ${source.name} failed: ${error.message}`);
      }
      if (!(error instanceof UnreadableSourceError)) throw error;
      // The records read before count. The source is not marked complete: a rerun reads on from
      // there, so that a line fixed in place (its file's size the same) is read, and a source
      // still broken is named again.
      this.deps.progress.note(
        `${source.name}: ${error.message}; kept in ${this.options.failedPath}`,
      );
      this.keepFailed([
        failedEntry('Replay.SourceUnreadable', error.message, source, error.line + 1),
      ]);
      return;
    }
    this.batch.ended.push({ key: source.key, size: source.size });
  }
}

export async function replay(
  sources: readonly Source[],
  options: ReplayOptions,
  deps: ReplayDeps,
): Promise<ReplaySummary> {
  // A dry run writes neither file: it takes no lock.
  const releases: (() => void)[] = [];
  try {
    if (options.delivery) {
      if (options.statePath) releases.push(lockFile(options.statePath, '--state', deps.warn));
      releases.push(lockFile(resolve(options.failedPath), '--failed', deps.warn));
    }
    const run = new ReplayRun(sources, options, deps);
    try {
      for (const source of sources) await run.readSource(source);
      await run.flush();
    } catch (error) {
      // A stop (a refused key, no answer, an answer not OpenObserve's) ends the run as a result:
      // what it did until then stands, checkpointed at the last acknowledged batch.
      if (!(error instanceof StoppedError)) throw error;
      run.summary.stopped = error.message;
    }
    deps.progress.done();
    return run.summary;
  } finally {
    for (const release of releases) release();
  }
}
