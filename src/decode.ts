import { zlib } from './builtins';

/** CloudWatch Logs subscription envelope fields an event carries (docs/contracts.md §3). */
export interface Envelope {
  readonly log_group: string;
  readonly log_stream: string;
  readonly owner: string;
}

export type DecodedRecord =
  /** Lines to read, one event each; `timesMs[i]` is line i's CloudWatch timestamp, if any. */
  | {
      readonly kind: 'lines';
      readonly lines: readonly string[];
      readonly timesMs?: readonly number[];
      readonly envelope?: Envelope;
    }
  /** A CloudWatch Logs health check, or a record with no line in it: nothing to deliver. */
  | { readonly kind: 'nothing'; readonly reason: string }
  /**
   * Data that is not text: `message` keeps it, so an event can still hold it; `bytes` when that
   * is base64 of bytes (corrupt gzip, not UTF-8), which no rule can read.
   */
  | {
      readonly kind: 'unreadable';
      readonly reason: string;
      readonly message: string;
      readonly bytes: boolean;
    }
  /** Past a safety limit: only the original record can be kept (in S3). */
  | { readonly kind: 'too_large'; readonly reason: string };

/**
 * Cap on a gzip record's decompressed size. A Firehose record is at most 1,000 KiB (docs/contracts.md
 * §8) and a transformed record must stay under 1,024,000 bytes even gzip-compressed (§4, §5.1):
 * 4 MiB of lines make events that still fit compressed, and the cap keeps a gzip bomb from
 * exhausting the function's memory.
 */
export const MAX_DECOMPRESSED_BYTES = 4 * 1024 * 1024;
/** Why a gzip record that inflates past MAX_DECOMPRESSED_BYTES is failed (kept for S3). */
export const TOO_LARGE_TO_INFLATE = `gzip data decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`;

function isBase64(data: string, bytes: Buffer): boolean {
  // Buffer.from skips characters outside the alphabet instead of failing, so compare lengths.
  if (data.length % 4 !== 0) return false;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return bytes.length === (data.length / 4) * 3 - padding;
}

/** Standard base64 only: Buffer.from also reads base64url's `-` and `_`, which Firehose refuses. */
const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;

/** A record's data as response data must be: itself when it is base64, else its text in base64. */
export function asBase64(data: unknown): string {
  if (typeof data !== 'string') return '';
  return isBase64(data, Buffer.from(data, 'base64')) && BASE64_ALPHABET.test(data)
    ? data
    : Buffer.from(data).toString('base64');
}

/**
 * The text of a record whose data is strict base64 of ASCII bytes with no NUL, the common case;
 * undefined for any other, which the Buffer path decodes as before. atob decodes in one step what
 * Buffer.from(data, 'base64').toString() does in two, about 3× faster on Node 20 and 22; for
 * ASCII, the Latin-1 it gives is the UTF-8 text. atob also takes whitespace and missing padding,
 * which the length check refuses, as isBase64 does.
 */
function asciiText(data: string): string | undefined {
  let text: string;
  try {
    text = atob(data);
  } catch {
    return undefined;
  }
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  if (data.length % 4 !== 0 || text.length !== (data.length / 4) * 3 - padding) return undefined;
  // The same bytes and the same length mean ASCII (Latin-1 above 0x7f takes two bytes in UTF-8).
  if (text.length === 0 || Buffer.byteLength(text) !== text.length) return undefined;
  return text.includes('\u0000') ? undefined : text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function toText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  // U+FFFD is rare in logs: only then pay for a strict decode to tell a real one from bad bytes.
  if (text.includes('\uFFFD')) {
    try {
      strictUtf8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  return text.includes('\u0000') ? undefined : text;
}

const NOT_BLANK = /\S/;

/** Lines of a text: `\n` or `\r\n`; empty and blank lines are not lines. */
export function splitLines(text: string): string[] {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is not content
  const lines: string[] = [];
  let from = start;
  while (from <= text.length) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    const lineEnd = end > from && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const line = text.slice(from, lineEnd);
    if (NOT_BLANK.test(line)) lines.push(line);
    from = end + 1;
  }
  return lines;
}

interface CloudWatchEnvelope {
  messageType?: unknown;
  owner?: unknown;
  logGroup?: unknown;
  logStream?: unknown;
  logEvents?: unknown;
}

function readEnvelope(text: string): DecodedRecord | undefined {
  let envelope: CloudWatchEnvelope;
  try {
    envelope = JSON.parse(text) as CloudWatchEnvelope;
  } catch {
    return undefined;
  }
  if (envelope.messageType === 'CONTROL_MESSAGE') {
    return { kind: 'nothing', reason: 'CloudWatch Logs control message' };
  }
  if (envelope.messageType !== 'DATA_MESSAGE' || !Array.isArray(envelope.logEvents)) {
    return undefined;
  }
  const lines: string[] = [];
  const timesMs: number[] = [];
  for (const logEvent of envelope.logEvents as { message?: unknown; timestamp?: unknown }[]) {
    const message = typeof logEvent?.message === 'string' ? logEvent.message.trimEnd() : '';
    if (message.length === 0) continue;
    lines.push(message);
    timesMs.push(typeof logEvent.timestamp === 'number' ? logEvent.timestamp : Number.NaN);
  }
  if (lines.length === 0)
    return { kind: 'nothing', reason: 'CloudWatch Logs message without events' };
  return {
    kind: 'lines',
    lines,
    timesMs,
    envelope: {
      log_group: String(envelope.logGroup ?? ''),
      log_stream: String(envelope.logStream ?? ''),
      owner: String(envelope.owner ?? ''),
    },
  };
}

/**
 * `API-Gateway-Execution-Logs_{rest-api-id}/{stage}`, the group standard execution logging writes
 * to: its API and stage; undefined for any other group.
 */
export function executionLogGroup(logGroup: string): { api_id: string; stage: string } | undefined {
  const prefix = 'API-Gateway-Execution-Logs_';
  if (!logGroup.startsWith(prefix)) return undefined;
  const rest = logGroup.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 1 || slash === rest.length - 1) return undefined;
  return { api_id: rest.slice(0, slash), stage: rest.slice(slash + 1) };
}

/** A gzip record's bytes once inflated, or why they could not be. */
export type Inflated = Buffer | 'too_large' | 'corrupt';

/** Whether bytes start with gzip's magic number (RFC 1952: 1f 8b). */
export const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * The text of bytes that may be gzip (a file, an S3 object, a record the processor compressed),
 * inflated to at most `maxBytes` (a RangeError past it). For the commands around the function,
 * which read one object at a time; the function's own records inflate off the main thread
 * (inflateRecord).
 */
export function gunzippedText(bytes: Buffer, maxBytes?: number): string {
  return (isGzip(bytes) ? zlib().gunzipSync(bytes, { maxOutputLength: maxBytes }) : bytes).toString(
    'utf8',
  );
}
/**
 * zlib's asynchronous gunzip as a promise. Not util.promisify: node:util would load at init for
 * this alone, and only gzip records need it.
 */
const gunzipAsync = (bytes: Buffer, options: object): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    zlib().gunzip(bytes, options, (error, result) => (error ? reject(error) : resolve(result))),
  );

/** base64 of the gzip magic bytes 1f 8b starts with "H4": no other record can be gzip. */
export const mayBeGzip = (data: unknown): boolean =>
  typeof data === 'string' && data.startsWith('H4');

/** The most output zlib is asked to hold at once for one record. */
const MAX_INFLATE_CHUNK = 1024 * 1024;
/** Deflate's largest expansion: one compressed byte inflates to at most about 1,032 bytes. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * How much output zlib writes before it hands it back: the inflated size the gzip trailer states
 * (ISIZE, RFC 1952), so that a record inflates in one piece. Inflating runs on the thread pool, but
 * each filled chunk waits for the main thread to ask for the next, and the main thread is busy
 * transforming the records before: with zlib's 16 KiB a CloudWatch record of 100 events inflated
 * a third at a time, and the batch waited for the rest. The trailer is the sender's word: a wrong
 * one costs more chunks, not a wrong result. No record gets more than its bytes could inflate to
 * (deflate's largest ratio) nor MAX_INFLATE_CHUNK: a truncated record of 24 bytes, whose last four
 * are any number, once had zlib hold 1 MiB for it.
 */
function inflatedChunk(bytes: Buffer): number {
  const stated = bytes.length >= 18 ? bytes.readUInt32LE(bytes.length - 4) : 0;
  const possible = Math.min(stated, bytes.length * MAX_DEFLATE_RATIO);
  return Math.min(Math.max(possible + 64, 16 * 1024), MAX_INFLATE_CHUNK);
}

/**
 * Inflates a record's data if it is gzip (undefined otherwise), off the main thread. The
 * synchronous gunzip of Node.js (20 and 22) leaks about 16 KB of native memory on every corrupt
 * input, which a warm function would collect record by record (`npm run bench -- --soak`); the
 * asynchronous one does not.
 */
export async function inflateRecord(data: string): Promise<Inflated | undefined> {
  if (!mayBeGzip(data)) return undefined;
  const bytes = Buffer.from(data, 'base64');
  if (!isGzip(bytes) || !isBase64(data, bytes)) return undefined;
  try {
    const chunkSize = inflatedChunk(bytes);
    return await gunzipAsync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES, chunkSize });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
      ? 'too_large'
      : 'corrupt';
  }
}

function inflateNow(bytes: Buffer): Inflated {
  try {
    return zlib().gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
      ? 'too_large'
      : 'corrupt';
  }
}

/**
 * A Firehose record's `data` to lines: base64, then gzip if the bytes say so, then a CloudWatch
 * Logs envelope if the text is one, else plain UTF-8 lines. Never throws. `inflated` is what
 * inflateRecord made of a gzip record; without it a gzip record is inflated here, synchronously.
 */
export function decodeRecord(data: string, inflated?: Inflated): DecodedRecord {
  let content = inflated;
  if (content === undefined) {
    const ascii = asciiText(data);
    if (ascii !== undefined) return linesOf(ascii);
    const bytes = Buffer.from(data, 'base64');
    if (!isBase64(data, bytes)) {
      const reason = 'record data is not valid base64';
      return { kind: 'unreadable', reason, message: data, bytes: false };
    }
    if (bytes.length === 0) return { kind: 'nothing', reason: 'empty record' };
    content = isGzip(bytes) ? inflateNow(bytes) : bytes;
  }
  if (content === 'too_large') {
    return {
      kind: 'too_large',
      reason: TOO_LARGE_TO_INFLATE,
    };
  }
  if (content === 'corrupt') {
    return {
      kind: 'unreadable',
      reason: 'gzip data is corrupt or truncated',
      message: data,
      bytes: true,
    };
  }
  const bytes = content;
  const text = toText(bytes);
  if (text === undefined) {
    return {
      kind: 'unreadable',
      reason: 'record is not UTF-8 text; message holds its bytes in base64',
      message: bytes.toString('base64'),
      bytes: true,
    };
  }
  return linesOf(text);
}

/** A record's text to its lines, or the lines of the CloudWatch Logs envelope it is. */
function linesOf(text: string): DecodedRecord {
  if (text.startsWith('{"messageType"')) {
    const envelope = readEnvelope(text);
    if (envelope) return envelope;
  }
  const lines = splitLines(text);
  if (lines.length === 0) return { kind: 'nothing', reason: 'record holds no line' };
  return { kind: 'lines', lines };
}
