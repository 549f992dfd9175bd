/**
 * The soak run of `npm run bench -- --soak`: thousands of ~1 MB batches of every format, gzip
 * CloudWatch records and hostile records through one handler in one process, as a warm Lambda
 * instance would see them for hours. It fails when memory, measured after a full garbage
 * collection, keeps growing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../src/surface';
import { firehoseEvent, type RecordInput } from '../test/support/firehose-event';
import { cloudWatchBatch, linesBatch, renderLine } from './batches';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** Records meant to hurt: bad encodings, a gzip bomb, a megabyte line, thousands of keys. */
export function hostileBatch(bytes: number, seed: number): FirehoseTransformationEvent {
  const inputs: RecordInput[] = [];
  let size = 0;
  const add = (input: RecordInput, length: number) => {
    inputs.push(input);
    size += length;
  };
  const line = renderLine(DEFAULT_FORMAT, { requestId: `hostile-${seed}` });
  const manyKeys = `{${Array.from({ length: 3_000 }, (_, i) => `"k${i}_${seed}":"${i}"`).join(',')}}`;
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61));
  while (size < bytes) {
    add({ data: 'this is not base64!' }, 20);
    add({ bytes: Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28, seed & 0xff]) }, 6);
    add({ bytes: bomb }, bomb.length);
    add({ bytes: gzipSync(line).subarray(0, 20) }, 20);
    add({ text: manyKeys }, manyKeys.length);
    add({ text: `${line.slice(0, 200)}"\\u0000\u0007{"[`.repeat(50) }, 10_000);
    add({ text: '' }, 0);
    add({ text: line.replace('UserAgent: ', `UserAgent: ${'x'.repeat(200_000)}`) }, 200_000);
  }
  return firehoseEvent(inputs);
}

/** The batches a soak cycles through: each known format, CloudWatch gzip, and hostile records. */
export function soakBatches(bytes: number): FirehoseTransformationEvent[] {
  return [
    ...Object.values(KNOWN_FORMATS).map((format, i) => linesBatch(format, bytes, 100 + i)),
    cloudWatchBatch(DEFAULT_FORMAT, bytes),
    hostileBatch(bytes, 1),
    hostileBatch(bytes, 2),
  ];
}

/** Node's `gc()`, exposed at run time: memory is compared only after a full collection. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface SoakReport {
  batches: number;
  inputMB: number;
  seconds: number;
  mbPerSecond: number;
  /** After a full collection: once warm (a tenth of the way), half way, and at the end. */
  heapMB: { start: number; middle: number; end: number };
  rssMB: { start: number; middle: number; end: number };
  /**
   * Memory that does not come back: the heap grew past the allowance, or the process's RSS still
   * grew past it in the second half (the allocator keeps what zlib and buffers once needed, so RSS
   * may rise early; a leak keeps rising).
   */
  grew: boolean;
}

export async function soak(
  handler: Handler,
  batches: readonly FirehoseTransformationEvent[],
  count: number,
  allowanceMB = 16,
): Promise<SoakReport> {
  const gc = collector();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const measure = () => {
    gc();
    const usage = process.memoryUsage();
    return { heap: mb(usage.heapUsed), rss: mb(usage.rss) };
  };
  const sizes = batches.map((batch) => Buffer.byteLength(JSON.stringify(batch)));
  const warm = Math.max(1, Math.floor(count / 10));
  const half = Math.floor(count / 2);
  let start = measure();
  let middle = start;
  let input = 0;
  let began = performance.now();
  for (let i = 0; i < count; i++) {
    if (i === warm) {
      start = measure();
      input = 0;
      began = performance.now();
    }
    if (i === half) middle = measure();
    const index = i % batches.length;
    // Lambda serialises the response; so does this run.
    JSON.stringify(await handler(batches[index] as FirehoseTransformationEvent));
    input += sizes[index] as number;
  }
  const seconds = (performance.now() - began) / 1000;
  const end = measure();
  const allowed = (base: number) => Math.max(allowanceMB, base * 0.25);
  return {
    batches: count,
    inputMB: mb(input),
    seconds,
    mbPerSecond: mb(input) / seconds,
    heapMB: { start: start.heap, middle: middle.heap, end: end.heap },
    rssMB: { start: start.rss, middle: middle.rss, end: end.rss },
    grew:
      end.heap - start.heap > allowed(start.heap) || end.rss - middle.rss > allowed(middle.rss) * 4,
  };
}
