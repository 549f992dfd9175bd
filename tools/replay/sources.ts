/**
 * What `npm run replay` reads: local files and directories, and `s3://bucket/prefix`, plain or
 * gzip. Each line is one unit, read for what it is:
 *  - a Firehose S3 error record (`{attemptsMade, arrivalTimestamp, errorCode, …, rawData}`,
 *    docs/contracts.md §3/§4): `rawData` is the record Firehose could not transform or deliver;
 *  - an event this processor already wrote (`{\t…`: http-endpoint-failed records, AllData
 *    backups): sent as it is;
 *  - anything else: an access-log line, a record of its own, as API Gateway would write it.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { splitEventLines } from '../../src/encode';

export interface Source {
  /** Stable name for resuming: the path, or the s3:// URI with the object's ETag. */
  readonly key: string;
  /** Bytes as stored, for progress. */
  readonly size: number;
  lines(): AsyncIterable<string>;
}

export type Unit =
  /** A Firehose record for the processor: base64 data, and the arrival time to fall back on. */
  | { readonly kind: 'record'; readonly data: string; readonly arrivalMs: number }
  /** Event lines already in OpenObserve's form. */
  | { readonly kind: 'events'; readonly lines: string[] };

async function isGzipFile(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await file.close();
  }
}

async function* linesOf(stream: Readable): AsyncIterable<string> {
  const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of reader) yield line;
}

function fileSource(path: string, size: number): Source {
  return {
    key: path,
    size,
    async *lines() {
      const input = createReadStream(path);
      yield* linesOf((await isGzipFile(path)) ? input.pipe(createGunzip()) : input);
    },
  };
}

async function filesUnder(path: string): Promise<Source[]> {
  const info = await stat(path);
  if (info.isFile()) return [fileSource(path, info.size)];
  const entries = (await readdir(path)).sort();
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry))));
  return nested.flat();
}

async function s3Sources(uri: string, s3: S3Client): Promise<Source[]> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  const [, bucket, prefix] = match as unknown as [string, string, string];
  const sources: Source[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key as string;
      if (key.endsWith('/')) continue;
      sources.push({
        key: `s3://${bucket}/${key}#${object.ETag ?? ''}`,
        size: object.Size ?? 0,
        async *lines() {
          const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          // Firehose objects are bounded by its buffer size (≤ 128 MB): read whole.
          let bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
          const text = bytes.toString('utf8');
          let from = 0;
          while (from < text.length) {
            let end = text.indexOf('\n', from);
            if (end === -1) end = text.length;
            yield text.slice(from, end > from && text[end - 1] === '\r' ? end - 1 : end);
            from = end + 1;
          }
        },
      });
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return sources;
}

/** Every source named on the command line, in order; a directory or prefix in name order. */
export async function listSources(specs: readonly string[], s3: () => S3Client): Promise<Source[]> {
  const lists = [];
  for (const spec of specs)
    lists.push(spec.startsWith('s3://') ? await s3Sources(spec, s3()) : await filesUnder(spec));
  return lists.flat();
}

interface ErrorRecord {
  rawData?: unknown;
  arrivalTimestamp?: unknown;
  errorCode?: unknown;
  attemptsMade?: unknown;
}

/** What one line of a source is (see the module comment). Blank lines are nothing. */
export function unitOf(line: string, nowMs: number): Unit | undefined {
  if (line.trim().length === 0) return undefined;
  if (line.startsWith('{\t')) return { kind: 'events', lines: [line] };
  if (line.startsWith('{"') && line.includes('"rawData"')) {
    let record: ErrorRecord | undefined;
    try {
      record = JSON.parse(line) as ErrorRecord;
    } catch {
      record = undefined;
    }
    if (
      record &&
      typeof record.rawData === 'string' &&
      ('errorCode' in record || 'attemptsMade' in record)
    ) {
      const decoded = Buffer.from(record.rawData, 'base64').toString('utf8');
      if (decoded.startsWith('{\t')) {
        return { kind: 'events', lines: splitEventLines(decoded) };
      }
      const arrival = Number(record.arrivalTimestamp);
      return {
        kind: 'record',
        data: record.rawData,
        arrivalMs: Number.isFinite(arrival) && arrival > 0 ? arrival : nowMs,
      };
    }
  }
  return { kind: 'record', data: Buffer.from(line).toString('base64'), arrivalMs: nowMs };
}
