/**
 * What `npm run replay` reads: local files and directories, and `s3://bucket/prefix`, plain or
 * gzip, streamed: memory holds a line at a time, never a whole file or object. Each record is one
 * unit, read for what it is:
 *  - a Firehose S3 error record (`{attemptsMade, arrivalTimestamp, errorCode, …, rawData}`,
 *    docs/contracts.md §3/§4): `rawData` is the record Firehose could not transform or deliver;
 *  - an event this processor already wrote (`{\t…`: http-endpoint-failed records, AllData
 *    backups), or a gzip record of such events (the processor compresses a record that would not
 *    fit Firehose's record limit otherwise; OpenObserve inflates it, §5): sent as it is;
 *  - anything else: an access-log line, a record of its own, as API Gateway would write it.
 * A file that is one JSON document (pretty-printed, its first line `{` alone) or whose first line
 * is a Firehose event is read whole instead: a Firehose transformation event (events/*.json, a
 * Lambda test event) or the processor's response to one, whose records are the units.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzippedText, isGzip, splitEventLines } from '../../src/surface';
import { listObjects } from '../aws/s3';
import { UnreadableSourceError, UsageError } from '../cli/errors';

/**
 * A line longer than this is not read (its place is kept in the failed file). The longest a
 * Firehose source can write is an error record: 1,000 KiB of record as base64 plus its fields.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** What one gzip record may inflate to: the processor's output for a 4 MiB CloudWatch record. */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** One record of a source, numbered from 1 in the order read. */
export type Piece =
  /** A line, without its line break. */
  | { readonly line: number; readonly text: string }
  /** A gzip member that started a record: its bytes as stored, and inflated. */
  | { readonly line: number; readonly gzip: Buffer; readonly text: string }
  /** A line over MAX_LINE_BYTES: its length only, it was not kept. */
  | { readonly line: number; readonly tooLong: number }
  /** A record of a Firehose event file: its base64 data. */
  | { readonly line: number; readonly data: string; readonly arrivalMs: number | undefined };

export interface Source {
  /** Stable name for resuming: the path, or the s3:// URI with the object's ETag. */
  readonly key: string;
  /** The path or s3:// URI, for people. */
  readonly name: string;
  /** Bytes as stored, for progress. */
  readonly size: number;
  /** The records; `onRead` is told each chunk's bytes as stored (not inflated), for progress. */
  records(onRead?: (storedBytes: number) => void): AsyncIterable<Piece>;
  /**
   * A digest of the first `bytes` bytes as stored, of a source whose key stays when its content
   * changes (a local file; an object's key holds its ETag): whether a rerun reads the same file.
   */
  headOf?(bytes: number): string;
}

/** How many first bytes of a local file tell it from another of the same path (Source.headOf). */
export const HEAD_BYTES = 4096;

export type Unit =
  /** A Firehose record for the processor: base64 data, and the arrival time to fall back on. */
  | { readonly kind: 'record'; readonly data: string; readonly arrivalMs: number }
  /** Event lines already in OpenObserve's form. */
  | { readonly kind: 'events'; readonly lines: string[] }
  /** Nothing that can be sent: why; or a failed-file entry to keep as it is. */
  | { readonly kind: 'unreadable'; readonly reason: string; readonly entry?: string };

/** zlib's own errors (`Z_DATA_ERROR`, `Z_BUF_ERROR`, …): the data is bad, not the connection. */
const isZlibError = (error: unknown) => /^Z_/.test(String((error as { code?: unknown }).code));

/**
 * One gzip member at the start of `bytes`, which may go on with other bytes: its length as stored
 * and its inflated bytes (RFC 1952: header, raw deflate, 8-byte trailer). Throws when the member
 * is corrupt, ends past `bytes`, or inflates to more than MAX_INFLATED_BYTES.
 */
function gzipMember(bytes: Buffer): { length: number; inflated: Buffer } {
  if (bytes.length < 18 || bytes[2] !== 8) throw new Error('not a gzip record');
  const flags = bytes[3] as number;
  let at = 10;
  if (flags & 4) at += 2 + bytes.readUInt16LE(at);
  for (const flag of [8, 16]) {
    if (flags & flag) {
      const end = bytes.indexOf(0, at);
      if (end < 0) throw new Error('gzip header has no end');
      at = end + 1;
    }
  }
  if (flags & 2) at += 2;
  const inflated = inflateRawSync(bytes.subarray(at), {
    info: true,
    maxOutputLength: MAX_INFLATED_BYTES,
  }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
  return { length: at + inflated.engine.bytesWritten + 8, inflated: inflated.buffer };
}

/** What gzipMember is first given of a member: a record the processor compressed fits. */
const MEMBER_TRY_BYTES = 1024 * 1024;

/** Marks where a stream's gzip members end and its records as stored begin (bytesOf). */
const RECORDS_FOLLOW = Symbol('records follow');

/**
 * A stream's bytes, inflated as they are read when it starts as gzip. A gzip file is one member
 * or several (`cat a.gz b.gz`), inflated in turn into one text. Bytes after a member that start
 * none (zero padding aside) are records back to back as stored: an object a stream backed up
 * uncompressed whose first records the processor compressed; RECORDS_FOLLOW marks where they
 * start. A member is held whole to learn where it ends, at most MAX_LINE_BYTES of it; a longer
 * one (a big gzip file) is inflated as it streams, with the rest of the stream.
 */
async function* bytesOf(
  input: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer | typeof RECORDS_FOLLOW> {
  const chunks = input[Symbol.asyncIterator]();
  let held: Buffer = Buffer.alloc(0);
  let ended = false;
  const holdAtLeast = async (size: number) => {
    const parts = [held];
    let length = held.length;
    while (!ended && length < size) {
      const next = await chunks.next();
      if (next.done) ended = true;
      else {
        parts.push(next.value);
        length += next.value.length;
      }
    }
    if (parts.length > 1) held = Buffer.concat(parts, length);
  };
  async function* rest() {
    if (held.length) yield held;
    if (ended) return;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  await holdAtLeast(2);
  if (!isGzip(held)) {
    yield* rest();
    return;
  }
  for (;;) {
    await holdAtLeast(2);
    if (held.length === 0) return;
    if (!isGzip(held)) {
      while (!ended && held.every((byte) => byte === 0)) {
        held = Buffer.alloc(0);
        await holdAtLeast(1);
      }
      if (held.every((byte) => byte === 0)) return;
      yield RECORDS_FOLLOW;
      yield* rest();
      return;
    }
    let member: { length: number; inflated: Buffer } | undefined;
    for (let size = MEMBER_TRY_BYTES; !member; size *= 2) {
      await holdAtLeast(size);
      try {
        member = gzipMember(held);
      } catch (error) {
        // Not whole yet: more of it, up to a record's length; anything else is the stream's.
        const partial = (error as { code?: unknown }).code === 'Z_BUF_ERROR';
        if (!partial || ended || held.length >= MAX_LINE_BYTES) break;
      }
    }
    if (!member) {
      const gunzip = createGunzip();
      // An error on either side ends the iteration below with it.
      pipeline(Readable.from(rest()), gunzip, () => undefined);
      yield* gunzip;
      return;
    }
    yield member.inflated;
    held = held.subarray(member.length);
  }
}

const textOf = (bytes: Buffer) =>
  bytes.toString('utf8', 0, bytes.at(-1) === 13 ? bytes.length - 1 : bytes.length);

/**
 * The records of a byte stream as it arrives: lines, and gzip members where a record starts with
 * gzip's magic bytes (an AllData backup object holds the records as Firehose delivered them, back
 * to back). Holds at most about MAX_LINE_BYTES: the start of a record is kept as the chunks it
 * came in, and a longer line is counted as it streams past, not kept. Each step takes what it
 * can of a chunk and returns the rest, or undefined when it needs the next chunk.
 */
class RecordSplitter {
  private partial: Buffer[] = [];
  private partialLength = 0;
  /** Bytes of an over-long line seen so far; 0 when not in one. */
  private skipping = 0;
  /** The record started with 0x1f: its first MAX_LINE_BYTES are gathered to inflate it whole. */
  private gathering = false;
  /** Records read so far. */
  line = 0;

  *take(chunk: Buffer, ended: boolean): Generator<Piece> {
    let rest: Buffer | undefined = chunk;
    while (rest && (rest.length > 0 || (ended && this.gathering))) {
      if (this.skipping) {
        rest = yield* this.skipLong(rest);
        continue;
      }
      if (this.partialLength === 0 && rest[0] === 0x1f) this.gathering = true;
      rest = this.gathering ? yield* this.gather(rest, ended) : yield* this.textLine(rest);
    }
  }

  /** The end of the stream, or of its inflated text: what is left is the last record. */
  *end(): Generator<Piece> {
    yield* this.take(Buffer.alloc(0), true);
    if (this.skipping) yield { line: ++this.line, tooLong: this.skipping };
    else if (this.partialLength) {
      yield { line: ++this.line, text: textOf(Buffer.concat(this.partial)) };
    }
    this.skipping = 0;
    this.clear();
  }

  private clear(): void {
    this.partial = [];
    this.partialLength = 0;
  }

  private *skipLong(rest: Buffer): Generator<Piece, Buffer | undefined> {
    const at = rest.indexOf(10);
    if (at < 0) {
      this.skipping += rest.length;
      return undefined;
    }
    yield { line: ++this.line, tooLong: this.skipping + at };
    this.skipping = 0;
    return rest.subarray(at + 1);
  }

  private *gather(rest: Buffer, ended: boolean): Generator<Piece, Buffer | undefined> {
    this.partial.push(rest);
    this.partialLength += rest.length;
    if (!ended && this.partialLength < MAX_LINE_BYTES) return undefined;
    const bytes = Buffer.concat(this.partial);
    this.clear();
    this.gathering = false;
    if (!isGzip(bytes)) {
      // Only looked like gzip: a line of text, cut at MAX_LINE_BYTES if it has no end yet.
      const at = bytes.indexOf(10);
      if (at < 0 && !ended) {
        this.skipping = bytes.length;
        return undefined;
      }
      const end = at < 0 ? bytes.length : at;
      yield end > MAX_LINE_BYTES
        ? { line: ++this.line, tooLong: end }
        : { line: ++this.line, text: textOf(bytes.subarray(0, end)) };
      return bytes.subarray(end + 1);
    }
    let member: { length: number; inflated: Buffer };
    try {
      member = gzipMember(bytes);
    } catch (error) {
      throw new UnreadableSourceError(
        this.line,
        `record ${this.line + 1} starts as gzip but cannot be inflated (${(error as Error).message})`,
        { cause: error },
      );
    }
    yield {
      line: ++this.line,
      gzip: bytes.subarray(0, member.length),
      text: member.inflated.toString('utf8'),
    };
    return bytes.subarray(member.length);
  }

  private *textLine(rest: Buffer): Generator<Piece, Buffer | undefined> {
    const at = rest.indexOf(10);
    if (at < 0) {
      if (this.partialLength + rest.length > MAX_LINE_BYTES) {
        this.skipping = this.partialLength + rest.length;
        this.clear();
      } else {
        this.partial.push(rest);
        this.partialLength += rest.length;
      }
      return undefined;
    }
    const length = this.partialLength + at;
    if (length > MAX_LINE_BYTES) yield { line: ++this.line, tooLong: length };
    else {
      const bytes = this.partialLength
        ? Buffer.concat([...this.partial, rest.subarray(0, at)])
        : rest.subarray(0, at);
      yield { line: ++this.line, text: textOf(bytes) };
    }
    this.clear();
    return rest.subarray(at + 1);
  }
}

/**
 * The records of a byte stream (RecordSplitter), and of the records as stored after
 * RECORDS_FOLLOW; a broken gzip stream ends it with an error.
 */
export async function* splitRecords(
  chunks: AsyncIterable<Buffer | typeof RECORDS_FOLLOW>,
): AsyncGenerator<Piece> {
  const splitter = new RecordSplitter();
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer | typeof RECORDS_FOLLOW>;
    try {
      next = await iterator.next();
    } catch (error) {
      if (!isZlibError(error)) throw error;
      throw new UnreadableSourceError(
        splitter.line,
        `gzip data ends or breaks after record ${splitter.line}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (next.done) {
      yield* splitter.end();
      return;
    }
    if (next.value === RECORDS_FOLLOW) yield* splitter.end();
    else yield* splitter.take(next.value, false);
  }
}

/**
 * The most a file read whole may hold: a Firehose event is a Lambda invocation's payload, at most
 * 6 MB (docs/contracts.md §3), and the processor's response to one as much.
 */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/** A Firehose event's record, or a response's: what replay takes of it. */
interface EventRecord {
  data?: unknown;
  approximateArrivalTimestamp?: unknown;
  result?: unknown;
}

/** The records of a Firehose transformation event or of a response to one; undefined otherwise. */
function firehoseRecords(value: unknown): EventRecord[] | undefined {
  const records = (value as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const valid = records.every(
    (record) => typeof record === 'object' && record && typeof record.data === 'string',
  );
  return valid ? (records as EventRecord[]) : undefined;
}

/** A record's arrival time (epoch ms) as Firehose wrote it, or undefined when it is none. */
const arrivalOf = (value: unknown): number | undefined => {
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Whether a source's first record starts a document to read whole (see the module comment). */
function startsDocument(piece: Piece): boolean {
  if (!('text' in piece) || 'gzip' in piece) return false;
  const text = piece.text.trim();
  return text === '{' || isEventLine(text);
}

/**
 * A line that is a Firehose event, or one cut short (`{"invocationId":…` and no end: read as an
 * access-log line, the events after it would each go out as one). Told by the event's first key,
 * as a Firehose event, a Lambda test event or the processor's response has it: an access-log line
 * in JSON starts with its format's own first key, which no client's text can change (API Gateway
 * leaves quotes in values unescaped, so a user agent can put `"records":[` anywhere after it).
 */
function isEventLine(text: string): boolean {
  if (!EVENT_START.test(text)) return false;
  const parsed = parseJson(text);
  return parsed === undefined || !!firehoseRecords(parsed);
}

const EVENT_START =
  /^\{\s*"(invocationId|deliveryStreamArn|sourceKinesisStreamArn|region|records)"\s*:/;

/**
 * The records of a document read whole: one Firehose event, or one per line. A dropped record of
 * a response is nothing to send; a document that is neither ends the source with why.
 */
async function* documentRecords(first: Piece, rest: AsyncIterator<Piece>): AsyncGenerator<Piece> {
  const texts: string[] = [];
  let bytes = 0;
  for (let next: Piece | undefined = first; next; ) {
    const why =
      'tooLong' in next
        ? `a line of ${next.tooLong} bytes in a JSON document, over the ${MAX_LINE_BYTES} a line may have`
        : !('text' in next) || 'gzip' in next
          ? 'gzip data inside a JSON document'
          : bytes > MAX_DOCUMENT_BYTES
            ? `a JSON document over ${MAX_DOCUMENT_BYTES} bytes, more than a Firehose event holds`
            : undefined;
    if (why) throw new UnreadableSourceError(0, `${why}; not read`);
    if (!('text' in next)) break;
    texts.push(next.text);
    bytes += Buffer.byteLength(next.text) + 1;
    const result = await rest.next();
    next = result.done ? undefined : result.value;
  }
  const whole = firehoseRecords(parseJson(texts.join('\n')));
  const lines = whole
    ? [whole]
    : texts.map((text) => (text.trim() === '' ? [] : firehoseRecords(parseJson(text))));
  if (!lines.some((records) => records?.length)) {
    throw new UnreadableSourceError(
      0,
      'a JSON document that is not a Firehose event (no records with data): replay reads such an event whole, else one record per line; not read',
    );
  }
  let line = 0;
  for (const [i, records] of lines.entries()) {
    // Events one per line: the source ends at a line that is none, as at broken gzip data, so that
    // a rerun once it is fixed resumes there (the checkpoint counts the records before it).
    if (!records) {
      throw new UnreadableSourceError(
        line,
        `line ${i + 1} of a file of Firehose events one per line is not one (cut short or not JSON); it and the lines after it are not read: fix it and rerun`,
      );
    }
    for (const record of records) {
      if (record.result === 'Dropped') continue;
      yield {
        line: ++line,
        data: record.data as string,
        arrivalMs: arrivalOf(record.approximateArrivalTimestamp),
      };
    }
  }
}

const isBlank = (piece: Piece) => 'text' in piece && !('gzip' in piece) && piece.text.trim() === '';

/**
 * A source's records: lines (splitRecords), or a document's records when its first line that is
 * not blank starts one.
 */
async function* piecesOf(pieces: AsyncGenerator<Piece>): AsyncGenerator<Piece> {
  // Blank lines before the first that is not: counted, not held (a file can start with millions),
  // and given again as empty lines of the same numbers.
  let blanks = 0;
  let firstLine = 0;
  let first = await pieces.next();
  // A byte-order mark (an editor's, a Windows tool's) is no text of the first line's, read as a
  // line or as the start of a document (JSON.parse refuses one).
  if (!first.done && 'text' in first.value && first.value.text.charCodeAt(0) === 0xfeff) {
    first = { done: false, value: { ...first.value, text: first.value.text.slice(1) } };
  }
  for (; !first.done && isBlank(first.value); first = await pieces.next()) {
    if (blanks++ === 0) firstLine = first.value.line;
  }
  if (first.done) return;
  const blank = function* (from: number): Generator<Piece> {
    for (let i = from; i < blanks; i++) yield { line: firstLine + i, text: '' };
  };
  const decides = first.value;
  if (startsDocument(decides)) {
    async function* rest(): AsyncGenerator<Piece> {
      yield* blank(1);
      if (blanks > 0) yield decides;
      yield* pieces;
    }
    yield* documentRecords(blanks > 0 ? { line: firstLine, text: '' } : decides, rest());
  } else {
    yield* blank(0);
    yield decides;
    for await (const piece of pieces) {
      // A Firehose event on a later line: the first line is no event (cut short before any of
      // its keys), and each event would go out as one access-log line.
      if ('text' in piece && !('gzip' in piece) && isEventLine(piece.text)) {
        throw new UnreadableSourceError(
          piece.line - 1,
          `line ${piece.line} is a Firehose event, but the file's first line is not one, so it is read as access-log lines; it ends here: fix or remove the first line and rerun`,
        );
      }
      yield piece;
    }
  }
}

/** The chunks of `input` as stored, each told to `onRead` as it is read. */
async function* counted(input: Readable, onRead?: (storedBytes: number) => void) {
  for await (const chunk of input as AsyncIterable<Buffer>) {
    onRead?.(chunk.length);
    yield chunk;
  }
}

async function* recordsOf(
  open: () => Promise<Readable>,
  onRead?: (storedBytes: number) => void,
): AsyncGenerator<Piece> {
  const input = await open();
  try {
    yield* piecesOf(splitRecords(bytesOf(counted(input, onRead))));
  } finally {
    input.destroy();
  }
}

function fileSource(path: string, size: number): Source {
  return {
    // The absolute path: `a.log` and `./a.log` are one source to resume.
    key: resolve(path),
    name: path,
    size,
    records: (onRead) => recordsOf(async () => createReadStream(path), onRead),
    headOf: (bytes) => {
      const head = Buffer.alloc(bytes);
      const fd = openSync(path, 'r');
      try {
        const read = readSync(fd, head, 0, bytes, 0);
        return createHash('sha256').update(head.subarray(0, read)).digest('hex').slice(0, 32);
      } finally {
        closeSync(fd);
      }
    },
  };
}

async function filesUnder(path: string): Promise<Source[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new UsageError(`${path}: no such file or directory`);
  });
  if (info.isFile()) return [fileSource(path, info.size)];
  // A hidden file in a folder (.DS_Store, an editor's) holds no records: named, it is read.
  const entries = (await readdir(path)).filter((entry) => !entry.startsWith('.')).sort();
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry))));
  return nested.flat();
}

async function s3Sources(uri: string, s3: S3Client): Promise<Source[]> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  const [, bucket, prefix] = match as unknown as [string, string, string];
  const sources: Source[] = [];
  for await (const object of listObjects(s3, bucket, prefix)) {
    if (object.key.endsWith('/')) continue;
    sources.push({
      key: `s3://${bucket}/${object.key}#${object.etag}`,
      name: `s3://${bucket}/${object.key}`,
      size: object.size,
      records: (onRead) =>
        recordsOf(async () => {
          const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }));
          // The SDK's body in Node.js is the response stream: read as it arrives.
          return (response.Body as Readable | undefined) ?? Readable.from([]);
        }, onRead),
    });
  }
  return sources;
}

/** Every source named on the command line, in order; a directory or prefix in name order. */
export async function listSources(specs: readonly string[], s3: () => S3Client): Promise<Source[]> {
  const lists = [];
  for (const spec of specs)
    lists.push(spec.startsWith('s3://') ? await s3Sources(spec, s3()) : await filesUnder(spec));
  // A file named twice (itself and its folder, overlapping prefixes) is read once.
  const seen = new Set<string>();
  return lists.flat().filter((source) => !seen.has(source.key) && seen.add(source.key));
}

/** What replay takes of an error record (or a failed-file entry); its first key told what it is. */
interface ErrorRecord {
  rawData?: unknown;
  arrivalTimestamp?: unknown;
  errorMessage?: unknown;
}

/** Events when `bytes` (gzip or not) are lines this processor wrote; undefined otherwise. */
function eventLines(bytes: Buffer): string[] | undefined {
  let text: string;
  try {
    text = gunzippedText(bytes, MAX_INFLATED_BYTES);
  } catch {
    return undefined;
  }
  return text.startsWith('{\t') ? splitEventLines(text) : undefined;
}

/** What one record of a source is (see the module comment). Blank lines are nothing. */
export function unitOf(piece: Piece, nowMs: number): Unit | undefined {
  if ('tooLong' in piece) {
    return {
      kind: 'unreadable',
      reason: `a line of ${piece.tooLong} bytes, over the ${MAX_LINE_BYTES} a line may have; not read`,
    };
  }
  if ('data' in piece) {
    const lines = eventLines(Buffer.from(piece.data, 'base64'));
    if (lines) return { kind: 'events', lines };
    return { kind: 'record', data: piece.data, arrivalMs: piece.arrivalMs ?? nowMs };
  }
  if ('gzip' in piece) {
    return piece.text.startsWith('{\t')
      ? { kind: 'events', lines: splitEventLines(piece.text) }
      : { kind: 'record', data: piece.gzip.toString('base64'), arrivalMs: nowMs };
  }
  // A byte-order mark (an editor's, a Windows tool's) is no text of the first line's.
  const line =
    piece.line === 1 && piece.text.charCodeAt(0) === 0xfeff ? piece.text.slice(1) : piece.text;
  if (line.trim().length === 0) return undefined;
  if (line.startsWith('{\t')) return { kind: 'events', lines: [line] };
  return (
    errorRecordUnit(line, nowMs) ?? {
      kind: 'record',
      data: Buffer.from(line).toString('base64'),
      arrivalMs: nowMs,
    }
  );
}

/**
 * A Firehose S3 error record, or an entry of replay's own failed file, told by its first key, as
 * Firehose writes it (`attemptsMade`, docs/contracts.md §3) and replay does (`errorCode` of
 * `Replay.…`), or by holding no key but a Firehose error record's. Not by its keys being there: a
 * JSON access-log line starts with its format's own first key and holds its format's keys, while a
 * client's user agent can put `"rawData":"…"` anywhere after them (API Gateway leaves quotes
 * unescaped), which would send a line of the client's making in place of the request.
 */
const ERROR_RECORD_START = /^\{\s*"(?:(attemptsMade)"\s*:\s*\d|(errorCode)"\s*:\s*"Replay\.)/;

/** The keys of Firehose's error records in AWS's samples, in lower case (§3). */
const ERROR_RECORD_KEYS = new Set([
  'attemptsmade',
  'arrivaltimestamp',
  'errorcode',
  'errormessage',
  'attemptendingtimestamp',
  'rawdata',
  'lambdaarn',
  'sequencenumber',
  'subsequencenumber',
  'datacatalogtable',
]);

/**
 * Strict base64, as Firehose writes an error record's rawData: whole groups of four. A single
 * character class: a repeated group would recurse in V8's matcher, and pass its stack on a
 * few megabytes.
 */
const isBase64 = (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

/** A line's unit when it is an error record or a failed-file entry; undefined otherwise. */
function errorRecordUnit(line: string, nowMs: number): Unit | undefined {
  const start = ERROR_RECORD_START.exec(line);
  let kept = start?.[1] ?? start?.[2];
  let record: ErrorRecord | null | undefined;
  if (!kept && line.startsWith('{"') && line.includes('"rawData"')) {
    record = parseJson(line) as ErrorRecord | null | undefined;
    // Whole JSON only: a line a client's quotes broke is an access-log line as before.
    if (!record || typeof record !== 'object') return undefined;
    if (!Object.keys(record).every((key) => ERROR_RECORD_KEYS.has(key.toLowerCase()))) {
      return undefined;
    }
    kept = 'attemptsMade';
  }
  if (!kept) return undefined;
  record ??= parseJson(line) as ErrorRecord | null | undefined;
  if (record && typeof record.rawData === 'string' && !isBase64(record.rawData)) {
    // Cut short or edited: the processor would send its text as a `raw` event, the record lost.
    return { kind: 'unreadable', reason: 'its rawData is not base64 (cut short?); not sent' };
  }
  if (record && typeof record.rawData === 'string') {
    const lines = eventLines(Buffer.from(record.rawData, 'base64'));
    if (lines) return { kind: 'events', lines };
    return {
      kind: 'record',
      data: record.rawData,
      arrivalMs: arrivalOf(record.arrivalTimestamp) ?? nowMs,
    };
  }
  // An entry of replay's own failed file that holds no record (a line too long to keep).
  if (record && kept === 'errorCode') {
    return { kind: 'unreadable', reason: String(record.errorMessage ?? ''), entry: line };
  }
  // Cut short or garbled: sent as an access-log line it would be a `raw` event of the record's
  // text, and the record in it lost.
  return {
    kind: 'unreadable',
    reason: `starts as ${kept === 'errorCode' ? "an entry of replay's failed file" : 'a Firehose error record'} but ${record ? 'holds no rawData' : 'is not whole JSON (cut short?)'}; not sent`,
  };
}
