import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { readConfig } from '../../../src/config';
import { type BatchOutcome, createAsyncProcessor } from '../../../src/firehose';
import {
  backoffMs,
  DEFAULT_DELIVERY,
  type DeliveryOptions,
} from '../../../tools/openobserve/firehose-endpoint';
import { windowMarginMinutes } from '../../../tools/replay/events';
import { type ReplayOptions, replay } from '../../../tools/replay/replay';
import { listSources, MAX_LINE_BYTES, type Source } from '../../../tools/replay/sources';
import { createFunction } from '../../support/aws-fixtures';
import { cloudWatchRecord } from '../../support/firehose-event';
import { type Moto, startMoto } from '../../support/moto';
import { ACCESS_KEY, type Receiver, startOtherHost, startReceiver } from '../../support/receiver';
import { readCorpus } from '../../support/sample-events';

const corpus = readCorpus();
const defaultLines = corpus.filter((e) => e.event === 'default-format').map((e) => e.line);
const clfLines = corpus.filter((e) => e.event === 'clf').map((e) => e.line);
const processBatch = createAsyncProcessor(readConfig({}));
const NOW = Date.UTC(2026, 10, 24, 19, 0, 0);

let receiver: Receiver;
let directory: string;

beforeEach(async () => {
  receiver = await startReceiver(1_000);
  directory = mkdtempSync(join(tmpdir(), 'replay-'));
});
afterEach(async () => {
  await receiver.close();
  rmSync(directory, { recursive: true, force: true });
});

function options(overrides: Partial<ReplayOptions> = {}): ReplayOptions {
  return {
    batchRecords: 500,
    batchBytes: 4 * 1024 * 1024,
    statePath: join(directory, 'state.json'),
    failedPath: join(directory, 'failed.ndjson'),
    delivery: {
      ...DEFAULT_DELIVERY,
      endpoint: receiver.url,
      accessKey: ACCESS_KEY,
      baseDelayMs: 1,
      maxDelayMs: 5,
      timeoutMs: 300,
    },
    // The corpus's requests span more than 5 hours; the window tests set OpenObserve's default.
    ingestWindowHours: 24,
    windowMarginMinutes: 15,
    oldEvents: 'skip',
    ...overrides,
  };
}

function deps(now = NOW) {
  const warnings: string[] = [];
  const written: string[] = [];
  const notes: string[] = [];
  return {
    warnings,
    written,
    notes,
    processBatch,
    write: (line: string) => written.push(line),
    warn: (line: string) => warnings.push(line),
    progress: {
      update: () => undefined,
      note: (line: string) => notes.push(line),
      done: () => undefined,
    },
    now: () => now,
  };
}

/** A replay of a failed file a first run kept, with a checkpoint and failed file of its own. */
async function replayKept(failed: string) {
  return replay(
    await listSources([failed], noS3),
    options({
      failedPath: join(directory, 'failed-again.ndjson'),
      statePath: join(directory, 's2.json'),
    }),
    deps(),
  );
}

function file(name: string, contents: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, contents);
  return path;
}

const requestIds = (events: string[]) =>
  events.map((line) => JSON.parse(line).request_id as string);
const noS3 = () => {
  throw new Error('no S3 in this test');
};

describe('replay', () => {
  it('sends plain and gzip log files through the processor with Firehose’s protocol', async () => {
    const plain = file('a.log', `${defaultLines.join('\n')}\n`);
    const gz = file('b.log.gz', gzipSync(`${clfLines.join('\r\n')}\r\n`));
    let read = 0;
    const counting = {
      ...deps(),
      progress: {
        update: ({ bytes = 0 }: { bytes?: number }) => {
          read += bytes;
        },
        note: () => undefined,
        done: () => undefined,
      },
    };
    const summary = await replay(await listSources([plain, gz], noS3), options(), counting);
    // Progress counts bytes as stored: a gzip file's own size, not its text inflated.
    expect(read).toBe(statSync(plain).size + statSync(gz).size);
    expect(receiver.problems).toEqual([]);
    expect(requestIds(receiver.accepted())).toEqual([
      ...requestIds(receiver.accepted()).slice(0, defaultLines.length),
      '7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a07',
      '0b9f1d52-5a0e-4c55-8d7e-3f1a2b4c5d08',
    ]);
    expect(receiver.accepted()).toHaveLength(defaultLines.length + clfLines.length);
    expect(summary).toMatchObject({
      sent: defaultLines.length + clfLines.length,
      batches: 1,
      failed: 0,
      byFormat: { default: defaultLines.length, clf: clfLines.length },
    });
  });

  it('retries 503, a dropped connection and a slow answer with the same request id, and delivers once', async () => {
    receiver.script(503, 'drop', 'slow', 200);
    const notes = deps();
    await replay(
      await listSources([file('a.log', defaultLines.join('\n'))], noS3),
      options(),
      notes,
    );
    expect(receiver.requests.map((r) => r.answer)).toEqual([503, 'drop', 'slow', 200]);
    expect(new Set(receiver.requests.map((r) => r.requestId)).size).toBe(1);
    expect(receiver.accepted()).toHaveLength(defaultLines.length);
    expect(notes.notes.map((note) => note.replace(/in [\d.]+ s/, 'in … s'))).toEqual([
      'retry 1 in … s: HTTP 503',
      expect.stringMatching(/^retry 2 in … s: network error/),
      'retry 3 in … s: timed out',
    ]);
  });

  it('stops at once on 401 with a clear message, and saves no progress', async () => {
    receiver.script(401);
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const summary = await replay(sources, options(), deps());
    expect(summary).toMatchObject({
      sent: 0,
      stopped:
        'OpenObserve refused the access key (HTTP 401: Unauthorized Access); check OPENOBSERVE_ACCESS_KEY',
    });
    expect(receiver.requests).toHaveLength(1);
    expect(existsSync(join(directory, 'state.json'))).toBe(false);
  });

  it('keeps a record once when the run that kept it stopped before its first acknowledged batch', async () => {
    const old = (defaultLines[0] as string).replace(
      /RequestTimeEpoch: \d+/,
      'RequestTimeEpoch: 1000000000000',
    );
    const sources = await listSources([file('a.log', `${old}\n${defaultLines[1]}`)], noS3);
    receiver.script(401);
    expect((await replay(sources, options(), deps())).stopped).toMatch(/refused the access key/);
    await replay(sources, options(), deps());
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(kept.map((line) => JSON.parse(line).errorCode)).toEqual(['Replay.OutsideIngestWindow']);
  });

  it('keeps each record once after its failed file was moved away and a run stopped', async () => {
    const old = (line: string) =>
      line.replace(/RequestTimeEpoch: \d+/, 'RequestTimeEpoch: 1000000000000');
    const failed = join(directory, 'failed.ndjson');
    await replay(
      await listSources([file('a.log', old(defaultLines[0] as string))], noS3),
      options(),
      deps(),
    );
    // Read, and moved away: the checkpoint still counts the bytes it had.
    renameSync(failed, join(directory, 'reviewed.ndjson'));
    // A longer source name: each entry is longer than the one the checkpoint counted.
    const incident = file(
      'incident-of-the-night-of-the-seventh.log',
      `${old(defaultLines[0] as string)}\n${defaultLines[1]}`,
    );
    const sources = await listSources([incident], noS3);
    receiver.script(401);
    expect((await replay(sources, options(), deps())).stopped).toMatch(/refused the access key/);
    await replay(sources, options(), deps());
    const kept = readFileSync(failed, 'utf8').trim().split('\n');
    expect(kept.map((line) => JSON.parse(line).source)).toEqual([incident]);
  });

  it('does not follow a redirect: stops naming where it points, sends the key nowhere else', async () => {
    const other = await startOtherHost();
    try {
      receiver.script({ redirect: other.url.replace('http://', 'http://user:secret@') });
      const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
      const { stopped } = await replay(sources, options(), deps());
      expect(stopped).toContain(
        `${receiver.url} answered HTTP 302, a redirect to ${other.url}; it is not followed`,
      );
      expect(other.requests).toEqual([]);
      expect(existsSync(join(directory, 'state.json'))).toBe(false);
    } finally {
      await other.close();
    }
  });

  it.each([
    [
      'a page',
      'html',
      /HTTP 200 \(text\/html\) without OpenObserve's acknowledgement .*: <html><body>Please sign in/,
    ],
    [
      'another request id',
      'wrong-id',
      /HTTP 200 \(application\/json\) without OpenObserve's acknowledgement/,
    ],
  ] as const)(
    'counts only OpenObserve’s acknowledgement as delivered, not %s',
    async (_what, answer, message) => {
      receiver.script(answer);
      const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
      expect((await replay(sources, options(), deps())).stopped).toMatch(message);
      expect(existsSync(join(directory, 'state.json'))).toBe(false);
    },
  );

  it('never repeats the access key a server echoes back', async () => {
    receiver.script('echo');
    const recorder = deps();
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    await replay(sources, options(), recorder);
    const [note] = recorder.notes;
    expect(note).toMatch(
      /^batch refused \(HTTP 400: bad request from \[redacted\] with key \[redacted\]; you sent: \{ .*…\)/,
    );
    expect(note?.length).toBeLessThan(300);
    expect(note).not.toContain(ACCESS_KEY);
    expect(note).not.toContain('root@example.com:token');
  });

  it('keeps a batch OpenObserve refused with 400 in the failed file and goes on', async () => {
    receiver.script(400);
    const sources = await listSources(
      [file('a.log', [...defaultLines, ...clfLines].join('\n'))],
      noS3,
    );
    const summary = await replay(sources, options({ batchRecords: defaultLines.length }), deps());
    // `batches` counts the batches sent: the refused one is in `failed`.
    expect(summary).toMatchObject({
      sent: clfLines.length,
      failed: defaultLines.length,
      batches: 1,
    });
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(requestIds(kept)).toEqual(requestIds(receiver.requests[0]?.lines ?? []));
  });

  it('sends a batch too large for a proxy (413) again in halves, and keeps only an event too large alone', async () => {
    const lines = defaultLines.slice(0, 8);
    const sources = await listSources([file('a.log', lines.join('\n'))], noS3);
    // The whole batch, then its first half, are over the limit; quarters and the second half pass.
    receiver.script(413, 413, 200, 200, 200);
    const summary = await replay(sources, options({ batchRecords: 8 }), deps());
    expect(summary).toMatchObject({ sent: 8, failed: 0, batches: 3 });
    expect(receiver.requests.map((request) => request.lines.length)).toEqual([8, 4, 2, 2, 4]);
    expect(new Set(requestIds(receiver.accepted())).size).toBe(8);
    // The batches after a 413 are made no larger than the half that went: one request each.
    const sixteen = Array.from({ length: 16 }, (_, i) =>
      (defaultLines[0] as string).replace(
        /RequestId: [^,]+/,
        `RequestId: after-413-${String(i).padStart(2, '0')}`,
      ),
    );
    const more = await listSources([file('c.log', sixteen.join('\n'))], noS3);
    receiver.requests.length = 0;
    receiver.script(413);
    const later = await replay(
      more,
      options({ batchRecords: 8, statePath: join(directory, 's2.json') }),
      deps(),
    );
    expect(later).toMatchObject({ sent: 16, failed: 0 });
    expect(receiver.requests.map((request) => request.lines.length)).toEqual([8, 4, 4, 4, 4]);
    // One event the proxy takes in no request: kept, and the run goes on.
    const one = await listSources([file('b.log', defaultLines[8] as string)], noS3);
    receiver.script(413);
    const alone = await replay(
      one,
      options({ statePath: join(directory, 's1.json'), failedPath: join(directory, 'f1.ndjson') }),
      deps(),
    );
    expect(alone).toMatchObject({ sent: 0, failed: 1, batches: 0 });
  });

  it('retries a 408 and stops at an answer about the request (404), keeping nothing', async () => {
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    receiver.script(408, 404);
    const summary = await replay(sources, options(), deps());
    expect(summary.stopped).toMatch(
      /answered HTTP 404: <html>404<\/html>, an answer about the request, not its events .*check the URL and organization/,
    );
    expect(summary).toMatchObject({ sent: 0, failed: 0 });
    expect(existsSync(join(directory, 'failed.ndjson'))).toBe(false);
    expect(receiver.requests).toHaveLength(2);
  });

  it('refuses to go on toward another endpoint than the one its checkpoint counts for', async () => {
    // A first run to a mistyped stream: the run to the right one must not skip what went there.
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const wrong = `${receiver.url}?stream=wrong`;
    const delivery = options().delivery as DeliveryOptions;
    await replay(sources, options({ delivery: { ...delivery, endpoint: wrong } }), deps());
    await expect(replay(sources, options(), deps())).rejects.toThrow(
      `holds the progress of a replay to ${wrong}, not to ${receiver.url}`,
    );
    rmSync(join(directory, 'state.json'));
    const before = receiver.accepted().length;
    expect(await replay(sources, options(), deps())).toMatchObject({ sent: defaultLines.length });
    expect(receiver.accepted().length - before).toBe(defaultLines.length);
  });

  it('resumes after a stop without sending an acknowledged batch again', async () => {
    const lines = [...defaultLines, ...clfLines];
    const sources = await listSources([file('a.log', lines.join('\n'))], noS3);
    receiver.script(200, 200, 'drop', 'drop');
    const first = await replay(
      sources,
      options({
        batchRecords: 2,
        delivery: { ...(options().delivery as DeliveryOptions), maxAttempts: 2 },
      }),
      deps(),
    );
    expect(first).toMatchObject({ sent: 4, batches: 2 });
    expect(first.stopped).toMatch(/^gave up after 2 attempts \(network error/);
    expect(JSON.parse(readFileSync(join(directory, 'state.json'), 'utf8'))).toEqual({
      sources: {
        [join(directory, 'a.log')]: {
          done: 4,
          read: 'lines',
          head: expect.stringMatching(/^\d+:[0-9a-f]{32}$/),
        },
      },
      failed: { path: join(directory, 'failed.ndjson'), bytes: 0 },
      endpoint: receiver.url,
    });

    const second = await replay(sources, options({ batchRecords: 2 }), deps());
    expect(second).toMatchObject({ skipped: 4, sent: lines.length - 4 });
    const delivered = requestIds(receiver.accepted());
    expect(delivered).toHaveLength(lines.length);
    expect(new Set(delivered).size).toBe(lines.length);

    const third = await replay(sources, options({ batchRecords: 2 }), deps());
    expect(third).toMatchObject({ sent: 0, skipped: lines.length });
  });

  it('splits a record of many events across batches, and resumes inside it after a stop', async () => {
    // An error record whose data is a gzip record of 1,200 events (as the processor writes a
    // CloudWatch Logs record's); every hundredth is older than the ingest window.
    const events = Array.from({ length: 1_200 }, (_, i) => {
      const time = i % 100 === 99 ? NOW - 48 * 3_600_000 : NOW;
      return `{\t"request_id":"many-${i}","status":200,"log_format":"default","_timestamp":${time * 1000}}`;
    });
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'HttpEndpoint.ResponseFailed',
      rawData: gzipSync(`${events.join('\n')}\n`).toString('base64'),
    });
    const sources = await listSources([file('http-endpoint-failed', `${record}\n`)], noS3);
    const limits = { batchRecords: 500, ingestWindowHours: 5 };
    receiver.script(200, 401);
    const first = await replay(sources, options(limits), deps());
    expect(first).toMatchObject({ sent: 500, batches: 1, stopped: expect.stringMatching(/401/) });

    const rest = await replay(sources, options(limits), deps());
    expect(rest).toMatchObject({ sent: 688, batches: 2, failed: 7 });
    expect(rest.stopped).toBeUndefined();
    expect(receiver.requests.map((request) => request.lines.length)).toEqual([500, 500, 500, 188]);
    const sent = requestIds(receiver.accepted());
    const inWindow = events.filter((_, i) => i % 100 !== 99);
    expect(sent).toEqual(requestIds(inWindow));
    // Each old event kept once: the first run kept those before its stop, the rerun the rest.
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(kept.map((line) => JSON.parse(line).errorCode)).toEqual(
      Array(12).fill('Replay.OutsideIngestWindow'),
    );
    expect(await replay(sources, options(limits), deps())).toMatchObject({ sent: 0, skipped: 1 });
  });

  it('sends a record whole again, never skipping by position, when its events changed since a stop', async () => {
    // A Firehose error record of a CloudWatch record: 300 requests between 300 unreadable lines.
    const messages = Array.from({ length: 600 }, (_, i) => ({
      message:
        i % 2 === 0
          ? (defaultLines[0] as string).replace(/RequestId: [^,]+/, `RequestId: changed-${i}`)
          : `not an access-log line ${i}`,
      timestampMs: NOW,
    }));
    const { bytes } = cloudWatchRecord(messages) as { bytes: Uint8Array };
    const record = JSON.stringify({
      attemptsMade: 4,
      arrivalTimestamp: NOW,
      errorCode: 'Lambda.FunctionError',
      rawData: Buffer.from(bytes).toString('base64'),
    });
    const sources = await listSources([file('processing-failed', `${record}\n`)], noS3);
    const limits = { batchRecords: 100, ingestWindowHours: 87_600 };
    receiver.script(200, 200, 401);
    const first = await replay(sources, options(limits), deps());
    expect(first).toMatchObject({ sent: 200, stopped: expect.stringMatching(/401/) });
    // The rerun drops unreadable lines: the events after the first 200 are not the same ones.
    const dropping = createAsyncProcessor(readConfig({ ON_PARSE_ERROR: 'drop' }));
    const rerun = deps();
    const second = await replay(sources, options(limits), { ...rerun, processBatch: dropping });
    expect(second).toMatchObject({ sent: 300, failed: 0 });
    expect(rerun.notes).toContainEqual(
      expect.stringMatching(/record 1: its first 200 events differ from those an earlier run sent/),
    );
    const requests = new Set(
      receiver
        .accepted()
        .map((line) => JSON.parse(line).request_id)
        .filter((id) => typeof id === 'string' && id.startsWith('changed-')),
    );
    expect(requests.size).toBe(300);
  });

  it('sends every event of a CloudWatch record the function failed for its size alone', async () => {
    // 300,000 log events of a few characters: a gzip record the stream takes (under 1,000 KiB),
    // whose events pass what one transformed record may hold; the function kept it in
    // processing-failed/. So many events also pass what a call's arguments may hold.
    const messages = Array.from({ length: 300_000 }, (_, i) => ({
      message: `t${i % 10}`,
      timestampMs: NOW,
    }));
    const { bytes } = cloudWatchRecord(messages) as { bytes: Uint8Array };
    expect(bytes.length).toBeLessThan(1_024_000);
    const rawData = Buffer.from(bytes).toString('base64');
    const { response } = await createAsyncProcessor(readConfig({}))({
      invocationId: 'i',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
      region: 'us-east-1',
      records: [{ recordId: '0', approximateArrivalTimestamp: NOW, data: rawData }],
    });
    expect(response.records[0]?.result).toBe('ProcessingFailed');
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'Lambda.ProcessingFailed',
      rawData,
    });
    const sources = await listSources([file('processing-failed', `${record}\n`)], noS3);
    const summary = await replay(
      sources,
      options({ ingestWindowHours: 87_600, batchRecords: 10_000 }),
      deps(),
    );
    expect(summary).toMatchObject({ sent: 300_000, failed: 0 });
    // Each of the 300,000 once (the ten messages alike; the event ids tell them apart).
    const sent = receiver.accepted().map((line) => JSON.parse(line));
    expect(sent).toHaveLength(300_000);
    expect(new Set(sent.map((event) => event.message))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `t${i}`)),
    );
  }, 60_000);

  it('keeps the time Firehose took a record it could not transform, and dates its lines by it when the entry is replayed', async () => {
    const arrival = NOW - 2 * 3_600_000;
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: arrival,
      errorCode: 'Lambda.ProcessingFailed',
      rawData: Buffer.from('not an access-log line').toString('base64'),
    });
    const failing = createAsyncProcessor(readConfig({ ON_PARSE_ERROR: 'fail' }));
    const sources = await listSources([file('processing-failed', `${record}\n`)], noS3);
    const first = await replay(sources, options(), { ...deps(), processBatch: failing });
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    const failed = join(directory, 'failed.ndjson');
    expect(JSON.parse(readFileSync(failed, 'utf8')).arrivalTimestamp).toBe(arrival);
    const again = await replayKept(failed);
    expect(again).toMatchObject({ sent: 1, failed: 0 });
    expect(JSON.parse(receiver.accepted()[0] as string)._timestamp).toBe(arrival * 1000);
  });

  it('keeps the part of a record too large alone once, when a rerun resumes inside the record', async () => {
    // 30 small events, one of 1.6 million random characters no record can hold even compressed,
    // 30 more: the halves send 60, and keep the one.
    const huge = randomBytes(1_200_000).toString('base64');
    const messages = [
      ...Array.from({ length: 30 }, (_, i) => ({ message: `before-${i}`, timestampMs: NOW })),
      { message: huge, timestampMs: NOW },
      ...Array.from({ length: 30 }, (_, i) => ({ message: `after-${i}`, timestampMs: NOW })),
    ];
    const { bytes } = cloudWatchRecord(messages) as { bytes: Uint8Array };
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'Lambda.ProcessingFailed',
      rawData: Buffer.from(bytes).toString('base64'),
    });
    const sources = await listSources([file('processing-failed', `${record}\n`)], noS3);
    const limits = { batchRecords: 10, ingestWindowHours: 87_600 };
    // The second batch is refused until the run gives up: it stops inside the record.
    receiver.script(200, 503, 503, 503, 503, 503, 503, 503, 503);
    const first = await replay(sources, options(limits), deps());
    expect(first.stopped).toMatch(/gave up/);
    const again = await replay(sources, options(limits), deps());
    expect(again).toMatchObject({ failed: 0 });
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0] as string).errorMessage).toMatch(/transformed record over/);
    const sent = receiver.accepted().map((line) => JSON.parse(line).message);
    expect(new Set(sent).size).toBe(60);
  }, 60_000);

  it('keeps each batch within --batch-mb, however few records hold its events', async () => {
    const events = Array.from(
      { length: 40 },
      (_, i) =>
        `{\t"request_id":"wide-${i}","padding":"${'x'.repeat(50_000)}","log_format":"default","_timestamp":${NOW * 1000}}`,
    );
    const compressed = gzipSync(`${events.join('\n')}\n`).toString('base64');
    const record = JSON.stringify({ attemptsMade: 1, errorCode: 'E', rawData: compressed });
    const sources = await listSources([file('wide', `${record}\n`)], noS3);
    const summary = await replay(sources, options({ batchBytes: 1024 * 1024 }), deps());
    expect(summary).toMatchObject({ sent: 40, failed: 0 });
    for (const request of receiver.requests) {
      expect(request.lines.reduce((sum, line) => sum + line.length + 1, 0)).toBeLessThanOrEqual(
        1024 * 1024,
      );
    }
    // 40 events of 50 KB: 20 a batch.
    expect(receiver.requests).toHaveLength(2);
  });

  it('counts by log format only the events OpenObserve took', async () => {
    const lines = [defaultLines[0], defaultLines[1], clfLines[0], clfLines[1]];
    const sources = await listSources([file('a.log', lines.join('\n'))], noS3);
    receiver.script(400, 200);
    const summary = await replay(
      sources,
      options({ batchRecords: 2, ingestWindowHours: 87_600 }),
      deps(),
    );
    expect(summary).toMatchObject({ sent: 2, failed: 2 });
    expect(summary.byFormat).toEqual({ clf: 2 });
  });

  it('refuses a checkpoint it cannot read, naming the file', async () => {
    const sources = await listSources([file('a.log', defaultLines[0] as string)], noS3);
    for (const text of ['', '{"sources":', '{}', '[]', 'null']) {
      writeFileSync(join(directory, 'state.json'), text);
      await expect(replay(sources, options(), deps())).rejects.toThrow(
        `--state ${join(directory, 'state.json')} is not a replay checkpoint (`,
      );
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('knows a file however it is named, and reads one named twice once', async () => {
    const path = file('a.log', defaultLines.slice(0, 2).join('\n'));
    const spelt = relative(process.cwd(), path);
    const twice = await listSources([directory, path, spelt, `${directory}/./a.log`], noS3);
    expect(twice).toHaveLength(1);
    await replay(twice, options(), deps());
    const again = await replay(await listSources([spelt], noS3), options(), deps());
    expect(again).toMatchObject({ sent: 0, skipped: 2 });
    expect(requestIds(receiver.accepted())).toHaveLength(2);
  });

  it('reads on where it stopped in a file that has grown since it was read whole', async () => {
    const path = file('failed.log', `${defaultLines[0]}\n`);
    await replay(await listSources([path], noS3), options(), deps());
    writeFileSync(path, `${defaultLines[0]}\n${defaultLines[1]}\n`);
    const grown = await replay(await listSources([path], noS3), options(), deps());
    expect(grown).toMatchObject({ sent: 1, skipped: 1 });
    expect(requestIds(receiver.accepted())).toEqual(
      [defaultLines[0], defaultLines[1]].map((line) => /RequestId: ([^,]+)/.exec(line ?? '')?.[1]),
    );
  });

  it('redrives Firehose error output: failed records through the processor, failed deliveries as they are', async () => {
    const arrival = Date.UTC(2026, 10, 24, 18, 30);
    const errorRecord = (rawData: string, errorCode: string) =>
      JSON.stringify({
        attemptsMade: 4,
        arrivalTimestamp: arrival,
        errorCode,
        errorMessage: 'failed',
        attemptEndingTimestamp: arrival + 60_000,
        rawData,
        lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:processor',
      });
    const plain = 'upstream reset before headers';
    const envelope = cloudWatchRecord([
      { message: defaultLines[0] as string, timestampMs: arrival - 1 },
    ]);
    const delivered = `{\t"request_id":"already-transformed","status":200,"log_format":"default","_timestamp":${arrival * 1000}}\n`;
    const processingFailed = file(
      'processing-failed.gz',
      gzipSync(
        [
          errorRecord(Buffer.from(plain).toString('base64'), 'Lambda.FunctionError'),
          errorRecord(
            Buffer.from((envelope as { bytes: Uint8Array }).bytes).toString('base64'),
            'Lambda.FunctionError',
          ),
          errorRecord(Buffer.from(delivered).toString('base64'), 'HttpEndpoint.ResponseFailed'),
        ].join('\n'),
      ),
    );
    await replay(await listSources([processingFailed], noS3), options(), deps());
    const events = receiver.accepted().map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({
      message: plain,
      log_format: 'raw',
      _timestamp: arrival * 1000,
    });
    expect(events[1]).toMatchObject({
      log_format: 'default',
      log_group: '/aws/apigateway/http-api-access',
    });
    expect(receiver.accepted()[2]).toBe(delivered.trimEnd());
  });

  it('reads past many blank lines at the start of a file, and resumes after them', async () => {
    const path = file('padded.log', `${'\n'.repeat(200_000)}${clfLines.join('\n')}\n`);
    const limits = { ingestWindowHours: 87_600 };
    const first = await replay(await listSources([path], noS3), options(limits), deps());
    expect(first).toMatchObject({ sent: clfLines.length, failed: 0 });
    const again = await replay(await listSources([path], noS3), options(limits), deps());
    expect(again).toMatchObject({ sent: 0, failed: 0 });
  });

  it('reads a Firehose event file after a byte-order mark as the event file', async () => {
    const event = readFileSync('events/default-format.json', 'utf8');
    const sources = await listSources([file('saved-on-windows.json', `\uFEFF${event}`)], noS3);
    const summary = await replay(sources, options({ ingestWindowHours: 87_600 }), deps());
    expect(summary.failed).toBe(0);
    expect(summary.sent).toBeGreaterThan(0);
  });

  it('reads an error record after a byte-order mark as the record, not as an access-log line', async () => {
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'Lambda.ProcessingFailed',
      rawData: Buffer.from(defaultLines[0] as string).toString('base64'),
    });
    const sources = await listSources([file('saved-by-an-editor', `\uFEFF${record}\n`)], noS3);
    const summary = await replay(sources, options({ ingestWindowHours: 87_600 }), deps());
    expect(summary).toMatchObject({ sent: 1, failed: 0, byFormat: { default: 1 } });
  });

  it('keeps an error record whose rawData is not base64, instead of sending its text as an event', async () => {
    const rawData = Buffer.from(defaultLines[0] as string).toString('base64');
    const record = (data: string) =>
      JSON.stringify({ attemptsMade: 1, arrivalTimestamp: NOW, errorCode: 'E', rawData: data });
    // Cut short mid-group, and edited by hand.
    const sources = await listSources(
      [file('errors', `${record(rawData.slice(0, -3))}\n${record('not base64 at all!')}\n`)],
      noS3,
    );
    const summary = await replay(sources, options({ ingestWindowHours: 87_600 }), deps());
    expect(summary).toMatchObject({ sent: 0, failed: 2 });
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(kept.map((line) => JSON.parse(line).errorMessage)).toEqual([
      'its rawData is not base64 (cut short?); not sent',
      'its rawData is not base64 (cut short?); not sent',
    ]);
  });

  it('sends the events of an AllData backup object as they are', async () => {
    const events = [
      `{\t"request_id":"all-data-1","status":200,"log_format":"default","_timestamp":${NOW * 1000}}`,
      `{\t"request_id":"all-data-2","status":502,"log_format":"clf","_timestamp":${NOW * 1000}}`,
    ];
    const backup = file('all-data-object.gz', gzipSync(`${events.join('\n')}\n`));
    const summary = await replay(await listSources([backup], noS3), options(), deps());
    expect(receiver.accepted()).toEqual(events);
    expect(summary.byFormat).toEqual({ default: 1, clf: 1 });
  });

  it('replays a Firehose event file (events/*.json, a test event) record by record, with each arrival time', async () => {
    const arrival = Date.UTC(2026, 10, 24, 18, 30);
    const record = (text: string, id: number) => ({
      recordId: String(id),
      approximateArrivalTimestamp: arrival + id,
      data: Buffer.from(text).toString('base64'),
    });
    const event = {
      invocationId: 'i-1',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
      region: 'us-east-1',
      records: [record(defaultLines[0] as string, 1), record('upstream reset', 2)],
    };
    // Pretty-printed as events/*.json are, and on one line, two events as JSON lines.
    const pretty = file('event.json', JSON.stringify(event, null, 2));
    const lines = file('events.ndjson', `${JSON.stringify(event)}\n${JSON.stringify(event)}\n`);
    for (const [path, copies] of [
      [pretty, 1],
      [lines, 2],
    ] as const) {
      const before = receiver.accepted().length;
      const summary = await replay(await listSources([path], noS3), options(), deps());
      expect(summary).toMatchObject({ sent: 2 * copies, failed: 0 });
      const events = receiver
        .accepted()
        .slice(before)
        .map((line) => JSON.parse(line));
      expect(events.map((e) => e.log_format)).toEqual(
        Array(copies).fill(['default', 'raw']).flat(),
      );
      expect(events[1]).toMatchObject({
        message: 'upstream reset',
        _timestamp: (arrival + 2) * 1000,
      });
    }
    // A line that is no event (cut short) ends the source there, with why; once it is fixed, a
    // rerun sends the rest, nothing twice. A first line cut short is no access-log line either.
    const whole = JSON.stringify(event);
    const cut = whole.slice(0, 80);
    const spaced = JSON.stringify(event).replaceAll('","', '", "').replaceAll('":', '": ');
    for (const [name, broken, fixed, sentBefore, at] of [
      ['middle.ndjson', `${whole}\n${cut}\n\n${whole}\n`, `${whole}\n${whole}\n\n${whole}\n`, 2, 2],
      ['first.ndjson', `${cut}\n${whole}\n`, `${whole}\n${whole}\n`, 0, 1],
      // Fixed in place, the file's size the same: still read again.
      ['same-size.ndjson', `${whole}\n${whole.slice(0, -1)}]\n`, `${whole}\n${whole}\n`, 2, 2],
      // Written by Python's json.dumps (", " and ": "), after a blank first line.
      ['spaced.ndjson', `\n${spaced.slice(0, 150)}\n${spaced}\n`, `\n${spaced}\n${spaced}\n`, 0, 2],
    ] as const) {
      const path = file(name, broken);
      const state = join(directory, `${name}.state.json`);
      const failed = join(directory, `${name}.failed.ndjson`);
      const before = receiver.accepted().length;
      const first = await replay(
        await listSources([path], noS3),
        options({ statePath: state, failedPath: failed }),
        deps(),
      );
      expect(first).toMatchObject({ sent: sentBefore });
      expect(
        receiver
          .accepted()
          .slice(before)
          .map((line) => JSON.parse(line).log_format),
      ).toEqual(
        Array(sentBefore / 2)
          .fill(['default', 'raw'])
          .flat(),
      );
      expect(JSON.parse(readFileSync(failed, 'utf8'))).toMatchObject({
        errorCode: 'Replay.SourceUnreadable',
        errorMessage: expect.stringContaining(
          `line ${at} of a file of Firehose events one per line is not one`,
        ),
      });
      writeFileSync(path, fixed);
      const again = await replay(
        await listSources([path], noS3),
        options({ statePath: state, failedPath: failed }),
        deps(),
      );
      const total = fixed.split('\n').filter(Boolean).length * 2;
      expect(again).toMatchObject({ sent: total - sentBefore, skipped: sentBefore });
      expect(receiver.accepted().length - before).toBe(total);
    }
    // Cut before any of its keys, the first line is an access-log line to replay; the file ends
    // at the event after it rather than send each event as a line. Fixed, it reads as events, a
    // way its checkpoint did not count: from its start.
    const early = file('early.ndjson', `${whole.slice(0, 8)}\n${whole}\n${whole}\n`);
    const state = join(directory, 'early.state.json');
    const before = receiver.accepted().length;
    const runEarly = async () =>
      replay(await listSources([early], noS3), options({ statePath: state }), deps());
    expect(await runEarly()).toMatchObject({ sent: 1 });
    expect(readFileSync(join(directory, 'failed.ndjson'), 'utf8')).toContain(
      "line 2 is a Firehose event, but the file's first line is not one",
    );
    writeFileSync(early, `${whole}\n${whole}\n${whole}\n`);
    expect(await runEarly()).toMatchObject({ sent: 6, skipped: 0 });
    expect(receiver.accepted().length - before).toBe(7);
  });

  it("sends the events of the processor's response as they are, and nothing of a dropped record", async () => {
    const response = await processBatch({
      invocationId: 'i-1',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/s',
      region: 'us-east-1',
      records: defaultLines.slice(0, 2).map((line, i) => ({
        recordId: String(i),
        approximateArrivalTimestamp: NOW,
        data: Buffer.from(line).toString('base64'),
      })),
    });
    const records = [
      ...response.response.records,
      { recordId: '9', result: 'Dropped', data: Buffer.from('{\t"x":1}').toString('base64') },
    ];
    const path = file('response.json', JSON.stringify({ records }, null, 2));
    const summary = await replay(await listSources([path], noS3), options(), deps());
    expect(summary).toMatchObject({ sent: 2, failed: 0, byFormat: { default: 2 } });
    expect(requestIds(receiver.accepted())).toEqual(
      defaultLines.slice(0, 2).map((line) => /RequestId: ([^,]+)/.exec(line)?.[1]),
    );
  });

  it('sends nothing of a JSON document that is not a Firehose event, and keeps it with why', async () => {
    const path = file('settings.json', JSON.stringify({ records: 'none', items: [1, 2] }, null, 2));
    const notes: string[] = [];
    const summary = await replay(await listSources([path], noS3), options(), {
      ...deps(),
      progress: {
        update: () => undefined,
        note: (line: string) => notes.push(line),
        done: () => undefined,
      },
    });
    expect(receiver.accepted()).toEqual([]);
    expect(summary).toMatchObject({ sent: 0 });
    expect(notes.join('\n')).toContain('a JSON document that is not a Firehose event');
    expect(JSON.parse(readFileSync(join(directory, 'failed.ndjson'), 'utf8'))).toMatchObject({
      errorCode: 'Replay.SourceUnreadable',
      source: path,
    });
    // A run after it, on something else, keeps that entry: the checkpoint counted it.
    await replay(await listSources([file('b.log', clfLines.join('\n'))], noS3), options(), deps());
    expect(readFileSync(join(directory, 'failed.ndjson'), 'utf8')).toContain(
      'a JSON document that is not a Firehose event',
    );
  });

  it("reads a JSON access log as lines whatever a client's user agent says", async () => {
    // API Gateway leaves the quotes of a value unescaped: a user agent can write `"records":[`, or
    // a whole records list, into the line; the line's own first key still says what it is.
    const [spaced] = corpus.filter((e) => e.event === 'json').map((e) => e.line) as [string];
    const line = spaced.replace(/^\{ /, '{');
    const agent = (ua: string) => line.replace('"caller":"-"', `"caller":"${ua}"`);
    const lines = [
      agent('x", "records": ['),
      line,
      agent('x","records":[{"data":"aGVsbG8="}],"z":"'),
      line,
    ];
    const summary = await replay(
      await listSources([file('json.log', `${lines.join('\n')}\n`)], noS3),
      options(),
      deps(),
    );
    expect(summary).toMatchObject({ sent: 4, failed: 0 });
    expect(receiver.accepted().map((event) => JSON.parse(event).message)).not.toContain('hello');
  });

  it('reads no file twice over: one read as events whose first line broke since ends until it is fixed', async () => {
    const event = (id: string) =>
      JSON.stringify({
        records: [
          { recordId: id, data: Buffer.from(defaultLines[0] as string).toString('base64') },
          { recordId: `${id}b`, data: Buffer.from('upstream reset').toString('base64') },
        ],
      });
    const path = file('events.ndjson', `${event('a')}\n`);
    const run = async () => replay(await listSources([path], noS3), options(), deps());
    expect(await run()).toMatchObject({ sent: 2 });
    writeFileSync(path, `${event('a').slice(0, 5)}\n${event('b')}\n`);
    expect(await run()).toMatchObject({ sent: 0 });
    expect(readFileSync(join(directory, 'failed.ndjson'), 'utf8')).toContain(
      'read as Firehose events before, its first line is no event now',
    );
    writeFileSync(path, `${event('a')}\n${event('b')}\n`);
    expect(await run()).toMatchObject({ sent: 2, skipped: 2 });
    expect(receiver.accepted()).toHaveLength(4);
  });

  it('passes gzip records of events through as events: error records and AllData objects', async () => {
    const events = [
      `{\t"request_id":"big-1","status":200,"log_format":"default","_timestamp":${NOW * 1000}}`,
      `{\t"request_id":"big-2","status":500,"log_format":"default","_timestamp":${NOW * 1000}}`,
    ];
    const compressed = gzipSync(`${events.join('\n')}\n`);
    const failedDelivery = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'HttpEndpoint.ResponseFailed',
      rawData: compressed.toString('base64'),
    });
    const plain = `{\t"request_id":"plain","status":200,"log_format":"clf","_timestamp":${NOW * 1000}}\n`;
    // An AllData object holds the records back to back, and Firehose compresses the object.
    const allData = gzipSync(Buffer.concat([Buffer.from(plain), compressed, Buffer.from(plain)]));
    const summary = await replay(
      await listSources(
        [
          file('http-endpoint-failed.gz', gzipSync(`${failedDelivery}\n`)),
          file('all-data.gz', allData),
        ],
        noS3,
      ),
      options(),
      deps(),
    );
    expect(receiver.problems).toEqual([]);
    expect(requestIds(receiver.accepted())).toEqual([
      'big-1',
      'big-2',
      'plain',
      'big-1',
      'big-2',
      'plain',
    ]);
    expect(summary).toMatchObject({ sent: 6, failed: 0 });
  });

  it('reads an uncompressed AllData object that starts with gzip records as records back to back', async () => {
    const big = (id: string) =>
      gzipSync(
        `{\t"request_id":"${id}-1","status":200,"log_format":"default","_timestamp":${NOW * 1000}}\n` +
          `{\t"request_id":"${id}-2","status":500,"log_format":"default","_timestamp":${NOW * 1000}}\n`,
      );
    const plain = (id: string) =>
      `{\t"request_id":"${id}","status":200,"log_format":"clf","_timestamp":${NOW * 1000}}\n`;
    // A stream that backs up uncompressed: the object is the processor's records as they are, and
    // the first ones were compressed by it (a gzip stream would end where the plain record starts).
    const allData = file(
      'all-data-uncompressed',
      Buffer.concat([
        big('a'),
        big('b'),
        Buffer.from(plain('c')),
        big('d'),
        Buffer.from(plain('e')),
      ]),
    );
    const summary = await replay(await listSources([allData], noS3), options(), deps());
    expect(receiver.problems).toEqual([]);
    expect(requestIds(receiver.accepted())).toEqual([
      'a-1',
      'a-2',
      'b-1',
      'b-2',
      'c',
      'd-1',
      'd-2',
      'e',
    ]);
    expect(summary).toMatchObject({ sent: 8, failed: 0 });
    expect(existsSync(join(directory, 'failed.ndjson'))).toBe(false);
  });

  it('reads records back to back after more than 4 MiB of the processor’s gzip records', async () => {
    // Twelve records of 2,000 events each, compressed by the processor to about 400 KB each (the
    // events carry random text), then a plain record, then one more compressed record.
    const big = (record: number) =>
      gzipSync(
        Array.from(
          { length: 2_000 },
          (_, i) =>
            `{\t"request_id":"r${record}-${i}","pad":"${randomBytes(200).toString('hex')}","log_format":"default","_timestamp":${NOW * 1000}}\n`,
        ).join(''),
      );
    const records = Array.from({ length: 12 }, (_, record) => big(record));
    const plain = `{\t"request_id":"plain","status":200,"log_format":"clf","_timestamp":${NOW * 1000}}\n`;
    const object = Buffer.concat([...records, Buffer.from(plain), big(12)]);
    expect(object.length).toBeGreaterThan(4 * 1024 * 1024);
    const summary = await replay(
      await listSources([file('all-data-uncompressed', object)], noS3),
      options(),
      { ...deps(), write: () => undefined },
    );
    expect(summary).toMatchObject({ sent: 13 * 2_000 + 1, failed: 0 });
    expect(receiver.accepted().filter((line) => line.includes('"plain"'))).toHaveLength(1);
  });

  it('reads a gzip file of several members (`cat a.gz b.gz`, zero padding) as one file', async () => {
    const text = `${clfLines.join('\n')}\n`;
    const cut = Math.floor(text.length / 2); // a line runs on from one member into the next
    const concatenated = file(
      'concatenated.log.gz',
      Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut)), Buffer.alloc(16)]),
    );
    const summary = await replay(await listSources([concatenated], noS3), options(), deps());
    expect(receiver.problems).toEqual([]);
    expect(summary).toMatchObject({
      sent: clfLines.length,
      failed: 0,
      byFormat: { clf: clfLines.length },
    });
  });

  it('sends the events of a record the processor returns gzip-compressed', async () => {
    const events = [
      `{\t"request_id":"cw-1","status":200,"log_format":"default","_timestamp":${NOW * 1000}}`,
      `{\t"request_id":"cw-2","status":404,"log_format":"default","_timestamp":${NOW * 1000}}`,
    ];
    const compressing = {
      ...deps(),
      processBatch: async (event: FirehoseTransformationEvent) => ({
        response: {
          records: event.records.map(({ recordId }) => ({
            recordId,
            result: 'Ok' as const,
            data: gzipSync(`${events.join('\n')}\n`).toString('base64'),
          })),
        },
        summary: {} as BatchOutcome['summary'],
      }),
    };
    const summary = await replay(
      await listSources([file('cloudwatch.log', 'a record the processor compresses')], noS3),
      options(),
      compressing,
    );
    expect(receiver.accepted()).toEqual(events);
    expect(summary).toMatchObject({ sent: 2, failed: 0 });
  });

  it('keeps a line that starts as an event but is not JSON, with its source and line, and sends the rest', async () => {
    const path = file('mixed.log', [defaultLines[0], '{\t', defaultLines[1]].join('\n'));
    const first = await replay(await listSources([path], noS3), options(), deps());
    expect(first).toMatchObject({ sent: 2, failed: 1 });
    expect(requestIds(receiver.accepted())).toHaveLength(2);
    const failedFile = join(directory, 'failed.ndjson');
    const kept = JSON.parse(readFileSync(failedFile, 'utf8'));
    expect(kept).toMatchObject({
      errorCode: 'Replay.NotAnEvent',
      errorMessage: expect.stringContaining('is not one: '),
      source: path,
      line: 2,
    });
    expect(Buffer.from(kept.rawData, 'base64').toString()).toBe('{\t');
    // A rerun has nothing left to do and keeps nothing twice.
    const second = await replay(await listSources([path], noS3), options(), deps());
    expect(second).toMatchObject({ sent: 0, failed: 0, skipped: 3 });
    expect(readFileSync(failedFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps the place of a line too long to read, without holding it, and goes on', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 1);
    const path = file('long.log', `${defaultLines[0]}\n${long}\n${defaultLines[1]}\n`);
    const summary = await replay(await listSources([path], noS3), options(), deps());
    expect(summary).toMatchObject({ sent: 2, failed: 1 });
    expect(JSON.parse(readFileSync(join(directory, 'failed.ndjson'), 'utf8'))).toEqual({
      errorCode: 'Replay.Unreadable',
      errorMessage: `a line of ${MAX_LINE_BYTES + 1} bytes, over the ${MAX_LINE_BYTES} a line may have; not read`,
      source: path,
      line: 2,
    });
  });

  it('names a truncated gzip object of an s3:// prefix, keeps what came before it, and goes on', async () => {
    const moto: Moto = await startMoto();
    try {
      const s3 = new S3Client(moto.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: 'backup' }));
      // Lines that do not repeat, so the cut falls well inside the compressed stream.
      const lines = Array.from({ length: 2_000 }, (_, i) =>
        (defaultLines[0] as string).replace(
          /RequestId: [\w-]+/,
          `RequestId: cut-${i}-${Math.random()}`,
        ),
      );
      const whole = gzipSync(`${lines.join('\n')}\n`);
      await s3.send(
        new PutObjectCommand({
          Bucket: 'backup',
          Key: 'p/a.gz',
          Body: whole.subarray(0, whole.length / 2),
        }),
      );
      await s3.send(
        new PutObjectCommand({ Bucket: 'backup', Key: 'p/b.log', Body: clfLines.join('\n') }),
      );
      const recorder = deps();
      const summary = await replay(
        await listSources(['s3://backup/p/'], () => s3),
        options({ batchRecords: 100 }),
        recorder,
      );
      const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8').trim().split('\n');
      expect(kept).toHaveLength(1);
      const entry = JSON.parse(kept[0] as string);
      expect(entry).toMatchObject({
        errorCode: 'Replay.SourceUnreadable',
        errorMessage: expect.stringMatching(
          /^gzip data ends or breaks after record \d+: unexpected end of file$/,
        ),
        source: 's3://backup/p/a.gz',
      });
      expect(summary.sent).toBe(entry.line - 1 + clfLines.length);
      expect(summary.sent).toBeGreaterThan(clfLines.length);
      expect(recorder.notes).toEqual([
        `s3://backup/p/a.gz: ${entry.errorMessage}; kept in ${join(directory, 'failed.ndjson')}`,
      ]);
    } finally {
      await moto.stop();
    }
  }, 60_000);

  it('reads s3:// prefixes (moto) mixed with local files', async () => {
    const moto: Moto = await startMoto();
    try {
      const s3 = new S3Client(moto.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: 'backup' }));
      const key = 'processing-failed/2026/11/24/18/stream-1-2026-11-24-18-00-00-abc.gz';
      const record = {
        attemptsMade: 1,
        arrivalTimestamp: NOW,
        errorCode: 'Lambda.X',
        rawData: Buffer.from(clfLines[0] as string).toString('base64'),
      };
      await s3.send(
        new PutObjectCommand({
          Bucket: 'backup',
          Key: key,
          Body: gzipSync(`${JSON.stringify(record)}\n`),
        }),
      );
      await s3.send(
        new PutObjectCommand({
          Bucket: 'backup',
          Key: 'other/ignored.log',
          Body: 'not under the prefix',
        }),
      );
      const sources = await listSources(
        ['s3://backup/processing-failed/', file('a.log', defaultLines[0] as string)],
        () => s3,
      );
      expect(sources.map((source) => source.key.replace(/#.*/, ''))).toEqual([
        `s3://backup/${key}`,
        join(directory, 'a.log'),
      ]);
      const summary = await replay(sources, options(), deps());
      expect(summary.byFormat).toEqual({ clf: 1, default: 1 });
      expect(receiver.problems).toEqual([]);
    } finally {
      await moto.stop();
    }
  }, 60_000);

  it('writes NDJSON and sends nothing in a dry run', async () => {
    const recorder = deps();
    const sources = await listSources([file('a.log', clfLines.join('\n'))], noS3);
    await replay(sources, options({ delivery: undefined, statePath: undefined }), recorder);
    expect(recorder.written.map((line) => JSON.parse(line).log_format)).toEqual(['clf', 'clf']);
    expect(receiver.requests).toHaveLength(0);
  });

  /** A day after the corpus's requests: every event is outside the 5-hour window. */
  const dayLater = Date.UTC(2026, 10, 25, 19);

  it('keeps events outside the ingest window out of OpenObserve by default, with the reason', async () => {
    const recorder = deps(dayLater);
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const summary = await replay(sources, options({ ingestWindowHours: 5 }), recorder);
    expect(receiver.requests).toHaveLength(0);
    expect(summary).toMatchObject({
      olderThanWindow: defaultLines.length,
      oldSkipped: defaultLines.length,
      sent: 0,
    });
    const kept = readFileSync(join(directory, 'failed.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(kept[0]).toMatchObject({
      errorCode: 'Replay.OutsideIngestWindow',
      errorMessage: expect.stringContaining('is older than the 5-hour ingest window'),
    });
    expect(Buffer.from(kept[0].rawData, 'base64').toString('utf8')).toMatch(/^\{\t/);
  });

  it('sends them as they are with --old-events send, warning once', async () => {
    const recorder = deps(dayLater);
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const summary = await replay(
      sources,
      options({ batchRecords: 2, oldEvents: 'send', ingestWindowHours: 5 }),
      recorder,
    );
    expect(recorder.warnings).toHaveLength(1);
    expect(recorder.warnings[0]).toContain('ZO_INGEST_ALLOWED_UPTO');
    expect(summary).toMatchObject({ oldSent: defaultLines.length, oldSkipped: 0 });
    expect(JSON.parse(receiver.accepted()[0] as string)._timestamp).toBe(1795546045123000);
  });

  it('counts old events as sent or restamped only once OpenObserve took them', async () => {
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const run = async (oldEvents: 'send' | 'restamp') =>
      replay(
        sources,
        options({ batchRecords: 2, oldEvents, ingestWindowHours: 5, statePath: undefined }),
        deps(dayLater),
      );
    // The first batch taken, the second refused: two counted.
    receiver.script(200, 401);
    const sent = await run('send');
    expect(sent).toMatchObject({ sent: 2, oldSent: 2, olderThanWindow: 2 });
    expect(sent.stopped).toMatch(/401/);
    // The first refused: none.
    receiver.script(401);
    const restamped = await run('restamp');
    expect(restamped).toMatchObject({ sent: 0, oldRestamped: 0, olderThanWindow: 0 });
    expect(restamped.stopped).toMatch(/401/);
  });

  it('restamps them with --old-events restamp, keeping the original time', async () => {
    const recorder = deps(dayLater);
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const summary = await replay(
      sources,
      options({ oldEvents: 'restamp', ingestWindowHours: 5 }),
      recorder,
    );
    expect(summary.oldRestamped).toBe(defaultLines.length);
    const events = receiver.accepted().map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({
      _timestamp: dayLater * 1000,
      original_timestamp: 1795546045123000,
    });
    // A microsecond apart, in the order read: a search shows them in that order.
    expect(events.map((event) => event._timestamp - dayLater * 1000)).toEqual(
      defaultLines.map((_line, i) => i),
    );
    expect(receiver.problems).toEqual([]);
  });

  it('sends skipped events later from the failed file, once told how', async () => {
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    await replay(sources, options({ ingestWindowHours: 5 }), deps(dayLater));
    const failed = await listSources([join(directory, 'failed.ndjson')], noS3);
    const again = await replay(
      failed,
      options({
        oldEvents: 'restamp',
        statePath: join(directory, 'again.json'),
        failedPath: join(directory, 'again.ndjson'),
      }),
      deps(dayLater),
    );
    expect(again).toMatchObject({ sent: defaultLines.length, oldRestamped: defaultLines.length });
  });

  it('lets the window be set to what the server allows', async () => {
    const sources = await listSources([file('a.log', defaultLines.join('\n'))], noS3);
    const summary = await replay(sources, options({ ingestWindowHours: 48 }), deps(dayLater));
    expect(summary).toMatchObject({ olderThanWindow: 0, sent: defaultLines.length });
  });
});

describe('replay, where runs, records and files are not what they seem', () => {
  it('refuses a checkpoint or failed file another replay is using, and takes over one left by a killed run', async () => {
    const sources = await listSources([file('a.log', clfLines.join('\n'))], noS3);
    const state = join(directory, 'state.json');
    const failed = join(directory, 'failed.ndjson');
    // Another process that runs: a replay at work.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const holder = `${other.pid}@${hostname()}`;
      writeFileSync(`${state}.lock`, holder);
      await expect(replay(sources, options(), deps())).rejects.toThrow(
        `--state ${state} is in use by another replay (process ${holder}`,
      );
      rmSync(`${state}.lock`);
      writeFileSync(`${failed}.lock`, holder);
      await expect(replay(sources, options(), deps())).rejects.toThrow(
        `--failed ${failed} is in use by another replay`,
      );
      // Another host's (a shared folder): whether it runs cannot be told, so it does.
      writeFileSync(`${failed}.lock`, `${process.pid}@elsewhere`);
      await expect(replay(sources, options(), deps())).rejects.toThrow('is in use');
    } finally {
      other.kill('SIGKILL');
    }
    expect(receiver.requests).toHaveLength(0);
    // A process that has ended, and this process's own id (a restarted container's run had it):
    // taken over, and both locks are gone after the run.
    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((done) => ended.on('exit', done));
    writeFileSync(`${failed}.lock`, String(ended.pid));
    writeFileSync(`${state}.lock`, `${process.pid}@${hostname()}`);
    const recorder = deps();
    expect(await replay(sources, options(), recorder)).toMatchObject({ sent: clfLines.length });
    expect(recorder.warnings.sort()).toEqual([
      `${failed}.lock: left by a replay that no longer runs (process ${ended.pid}); taken over`,
      `${state}.lock: left by a replay that no longer runs (process ${process.pid}@${hostname()}); taken over`,
    ]);
    expect(readdirSync(directory).filter((name) => /\.(lock|gone)$/.test(name))).toEqual([]);
  });

  it('takes a JSON access-log line for the request it logs, whatever its user agent holds', async () => {
    const json = corpus.find((entry) => entry.event === 'json')?.line as string;
    // API Gateway leaves quotes in values unescaped: a client's user agent can write keys.
    const injected = Buffer.from(
      (defaultLines[0] as string).replace(/SourceIP: [^,]+/, 'SourceIP: 6.6.6.6'),
    ).toString('base64');
    // A format written without spaces: the line starts `{"requestId"`.
    const line = json
      .replace('{ "requestId"', '{"requestId"')
      .replace('"protocol":"HTTP/1.1"', `"protocol":"x","rawData":"${injected}","errorCode":"x"`);
    const summary = await replay(await listSources([file('a.log', line)], noS3), options(), deps());
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    const event = JSON.parse(receiver.accepted()[0] as string);
    expect(event).toMatchObject({
      request_id: '7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a09',
      source_ip: '203.0.113.17',
    });
  });

  it('reads an error record whose keys come in another order, when it holds only such keys', async () => {
    const record = JSON.stringify({
      rawData: Buffer.from(clfLines[0] as string).toString('base64'),
      errorCode: 'HttpEndpoint.DestinationException',
      arrivalTimestamp: NOW,
      attemptsMade: 1,
    });
    const summary = await replay(
      await listSources([file('a.log', record)], noS3),
      options(),
      deps(),
    );
    expect(summary).toMatchObject({ sent: 1, failed: 0, byFormat: { clf: 1 } });
  });

  it('keeps an error record cut short in the failed file, not sent as a line of its text', async () => {
    const record = (line: string) =>
      JSON.stringify({
        attemptsMade: 4,
        arrivalTimestamp: NOW,
        errorCode: 'Lambda.FunctionError',
        errorMessage:
          'The Lambda function was successfully invoked but it returned an error result.',
        attemptEndingTimestamp: NOW,
        rawData: Buffer.from(line).toString('base64'),
      });
    const lines = clfLines.map(record);
    const cut = (lines[0] as string).slice(0, 150);
    const source = file('processing-failed.gz', gzipSync(`${[cut, ...lines].join('\n')}\n`));
    const summary = await replay(await listSources([source], noS3), options(), deps());
    expect(summary).toMatchObject({ sent: clfLines.length, failed: 1 });
    expect(receiver.accepted().map((event) => JSON.parse(event).log_format)).toEqual(
      clfLines.map(() => 'clf'),
    );
    const kept = JSON.parse(readFileSync(join(directory, 'failed.ndjson'), 'utf8'));
    expect(kept).toMatchObject({
      errorCode: 'Replay.Unreadable',
      errorMessage:
        'starts as a Firehose error record but is not whole JSON (cut short?); not sent',
      line: 1,
    });
  });

  it('counts as outside the window an event as near its edge as a batch’s attempts may take', async () => {
    // 8 attempts of up to 180 s, 7 waits of up to 30 s, 5 minutes for clocks.
    expect(windowMarginMinutes(DEFAULT_DELIVERY)).toBe(33);
    expect(windowMarginMinutes({ ...DEFAULT_DELIVERY, maxAttempts: 1, timeoutMs: 60_000 })).toBe(6);
  });

  it('keeps an event within the margin before the ingest window’s edge', async () => {
    const recorder = deps();
    await replay(
      await listSources([file('one.log', defaultLines[0] as string)], noS3),
      options({ delivery: undefined, statePath: undefined }),
      recorder,
    );
    const eventMs = JSON.parse(recorder.written[0] as string)._timestamp / 1000;
    const at = (minutesInside: number) => eventMs + 5 * 3_600_000 - minutesInside * 60_000;
    const sources = await listSources([file('a.log', defaultLines[0] as string)], noS3);
    const near = await replay(
      sources,
      options({ ingestWindowHours: 5, statePath: undefined }),
      deps(at(10)),
    );
    expect(near).toMatchObject({ sent: 0, oldSkipped: 1 });
    const inside = await replay(
      sources,
      options({ ingestWindowHours: 5, statePath: undefined }),
      deps(at(20)),
    );
    expect(inside).toMatchObject({ sent: 1, oldSkipped: 0 });
  });

  it('reads a file replaced under the same path from its start, and a grown one from where it ended', async () => {
    const path = join(directory, 'access.log');
    const run = async () => replay(await listSources([path], noS3), options(), deps());
    writeFileSync(path, `${clfLines.join('\n')}\n`);
    expect(await run()).toMatchObject({ sent: clfLines.length });
    // Rotated: other requests under the same name, more bytes than before.
    const rotated = [...defaultLines.slice(0, 3)];
    writeFileSync(path, `${rotated.join('\n')}\n`);
    expect(await run()).toMatchObject({ sent: rotated.length, skipped: 0 });
    // Appended to: its first bytes the same, only the new lines go.
    writeFileSync(path, `${[...rotated, ...clfLines].join('\n')}\n`);
    expect(await run()).toMatchObject({ sent: clfLines.length, skipped: rotated.length });
    expect(new Set(requestIds(receiver.accepted())).size).toBe(rotated.length + clfLines.length);
  });

  it('stops with its summary when a source cannot be read on, sending and checkpointing what it read', async () => {
    const [real] = await listSources([file('a.log', defaultLines.slice(0, 6).join('\n'))], noS3);
    const source = real as Source;
    let failAfter = 4;
    const flaky: Source = {
      ...source,
      async *records(onRead) {
        let read = 0;
        for await (const piece of source.records(onRead)) {
          if (read++ === failAfter) {
            throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
          }
          yield piece;
        }
      },
    };
    const first = await replay([flaky], options(), deps());
    expect(first).toMatchObject({ sent: 4 });
    expect(first.stopped).toBe(`reading ${source.name} failed: read ECONNRESET`);
    failAfter = Number.POSITIVE_INFINITY;
    expect(await replay([flaky], options(), deps())).toMatchObject({ sent: 2, skipped: 4 });
    expect(new Set(requestIds(receiver.accepted())).size).toBe(6);
    expect(receiver.accepted()).toHaveLength(6);
  });

  it('reads a log rotated after a run that stopped part-way from its start', async () => {
    const path = join(directory, 'access.log');
    writeFileSync(path, `${defaultLines.slice(0, 6).join('\n')}\n`);
    receiver.script(200, 'drop');
    const once = { ...(options().delivery as DeliveryOptions), maxAttempts: 1 };
    const first = await replay(
      await listSources([path], noS3),
      options({ batchRecords: 2, delivery: once }),
      deps(),
    );
    expect(first).toMatchObject({ sent: 2, stopped: expect.stringMatching(/^gave up/) });
    const rotated = [...clfLines, ...defaultLines.slice(6)];
    writeFileSync(path, `${rotated.join('\n')}\n`);
    const second = await replay(await listSources([path], noS3), options(), deps());
    expect(second).toMatchObject({ sent: rotated.length, skipped: 0 });
  });

  it('stops with its summary when a file listed is gone when its turn comes', async () => {
    const sources = await listSources(
      [file('a.log', clfLines.join('\n')), file('b.log', clfLines.join('\n'))],
      noS3,
    );
    rmSync(join(directory, 'b.log'));
    const summary = await replay(sources, options(), deps());
    expect(summary).toMatchObject({ sent: clfLines.length });
    expect(summary.stopped).toMatch(/^reading .*b\.log failed: ENOENT/);
    expect(receiver.accepted()).toHaveLength(clfLines.length);
  });

  it('sends an event too large for a record as text as a gzip record, as the function does', async () => {
    const agent = 'Mozilla/5.0 '.repeat(86_000);
    const line = (defaultLines[0] as string).replace(
      /UserAgent: .*?, ErrorMessage: /,
      `UserAgent: ${agent}, ErrorMessage: `,
    );
    expect(Buffer.byteLength(line)).toBeGreaterThan(1_024_000);
    const summary = await replay(
      await listSources([file('big.log', line)], noS3),
      options(),
      deps(),
    );
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    expect(receiver.problems).toEqual([]);
    // Compared, not printed: a megabyte in a failure's diff helps no one.
    const sent = JSON.parse(receiver.accepted()[0] as string).user_agent as string;
    expect(sent === agent).toBe(true);
  });

  it('keeps such an event of a refused batch as its record, which a replay of the failed file sends', async () => {
    // An event of 5 MB, as a gzip record of a failed delivery holds it (a record inflates to 32 MiB).
    const agent = 'Mozilla/5.0 '.repeat(420_000);
    const event = `{\t"request_id":"big","status":200,"log_format":"default","_timestamp":${NOW * 1000},"user_agent":"${agent}"}`;
    const record = JSON.stringify({
      attemptsMade: 1,
      arrivalTimestamp: NOW,
      errorCode: 'HttpEndpoint.ResponseFailed',
      rawData: gzipSync(`${event}\n`).toString('base64'),
    });
    receiver.script(400);
    const first = await replay(
      await listSources([file('big.log', record)], noS3),
      options(),
      deps(),
    );
    expect(first).toMatchObject({ sent: 0, failed: 1 });
    const failed = join(directory, 'failed.ndjson');
    const entry = JSON.parse(readFileSync(failed, 'utf8'));
    expect(entry.errorCode).toBe('Replay.BatchRefused');
    // The event is over the 4 MiB a replay reads of a line: as its record it is not.
    expect(Buffer.byteLength(event)).toBeGreaterThan(MAX_LINE_BYTES);
    const again = await replayKept(failed);
    expect(again).toMatchObject({ sent: 1, failed: 0 });
    const sent = JSON.parse(receiver.accepted()[0] as string).user_agent as string;
    expect(sent === agent).toBe(true);
  });
});

describe('backoffMs', () => {
  it('doubles per attempt up to the cap, with jitter between half and all of it', () => {
    const settings = { baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(backoffMs(0, settings, () => 0)).toBe(250);
    expect(backoffMs(3, settings, () => 0.5)).toBe(3_000);
    expect(backoffMs(20, settings, () => 0)).toBe(15_000);
  });
});

describe('npm run replay', () => {
  // Asynchronous: the receiver runs in this process and must answer while the command runs.
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
      execFile(
        resolve('node_modules/.bin/tsx'),
        ['tools/run.ts', 'replay', ...args],
        { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 25_000 },
        (error, stdout, stderr) =>
          done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('refuses a file that is not there before anything else, and says when there is nothing to read', async () => {
    const missing = join(directory, 'nope.log');
    const refused = await run([missing, '--dry-run'], {});
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(
      `${missing}: no such file or directory\nusage: npm run replay`,
    );
    expect(refused.stderr).not.toContain('processor settings');
    const empty = join(directory, 'empty');
    mkdirSync(empty);
    // Nothing to send, so no key is asked for (none is set here, and it would be refused).
    const nothing = await run([empty, '--endpoint', receiver.url], { OPENOBSERVE_ACCESS_KEY: '' });
    expect(nothing.status).toBe(0);
    expect(nothing.stderr).toContain(`nothing to read in ${empty}`);
  }, 30_000);

  it('replays a folder that holds its checkpoint, failed file and hidden files without reading them', async () => {
    const folder = join(directory, 'downloads');
    mkdirSync(folder);
    writeFileSync(join(folder, 'access.log'), `${clfLines.join('\n')}\n`);
    // What a Finder leaves, and the lock a kill -9 left beside the checkpoint.
    writeFileSync(join(folder, '.DS_Store'), randomBytes(3_000));
    const state = join(folder, 'state.json');
    writeFileSync(`${state}.lock`, `999999@${hostname()}`);
    // What an earlier run kept: its failed file, beside its checkpoint.
    const failed = join(folder, 'state-failed.ndjson');
    writeFileSync(failed, '{\tnot an event\n');
    const window = ['--ingest-window-hours', '87600'];
    const env = { OPENOBSERVE_ACCESS_KEY: ACCESS_KEY };
    const first = await run([folder, '--endpoint', receiver.url, '--state', state, ...window], env);
    expect(first.stderr).toContain(`left out this run's own ${failed}, ${state}.lock`);
    expect(first.status).toBe(0);
    // Named through a link to the folder: the same files, under other names.
    const link = join(directory, 'link-to-downloads');
    symlinkSync(folder, link);
    const again = await run([link, '--endpoint', receiver.url, '--state', state, ...window], env);
    expect(again.stderr).toContain(
      `left out this run's own ${join(link, 'state-failed.ndjson')}, ${join(link, 'state.json')}`,
    );
    expect(again.status).toBe(0);
    // The log's lines (once a name: the link is another), and nothing else: no checkpoint,
    // lock, failed entry or .DS_Store as events.
    expect(receiver.accepted().map((line) => JSON.parse(line).log_format)).toEqual(
      [...clfLines, ...clfLines].map(() => 'clf'),
    );
  }, 60_000);

  it('skips in a dry run with --state what a run with that checkpoint would skip', async () => {
    const log = file('done.log', clfLines.join('\n'));
    const state = join(directory, 'done-state.json');
    const window = ['--ingest-window-hours', '87600'];
    const sent = await run([log, '--endpoint', receiver.url, '--state', state, ...window], {
      OPENOBSERVE_ACCESS_KEY: ACCESS_KEY,
    });
    expect(sent.status).toBe(0);
    const checkpoint = readFileSync(state, 'utf8');
    const dry = await run([log, '--dry-run', '--state', state, ...window], {});
    expect(dry.stderr).toContain(
      `written 0 events, failed 0, skipped ${clfLines.length} (done earlier)`,
    );
    expect(dry.stdout).toBe('');
    // Read, never written.
    expect(readFileSync(state, 'utf8')).toBe(checkpoint);
    // A checkpoint of another endpoint is refused, as a run to that endpoint refuses it.
    const other = await run(
      [log, '--dry-run', '--state', state, '--endpoint', `${receiver.url}?other`, ...window],
      {},
    );
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`holds the progress of a replay to ${receiver.url}`);
  }, 30_000);

  it('refuses --failed and --state naming the same file: the checkpoint would overwrite what it kept', async () => {
    const same = join(directory, 'same.json');
    const refused = await run(
      [
        file('a.log', clfLines[0] as string),
        '--endpoint',
        receiver.url,
        '--state',
        same,
        '--failed',
        same,
      ],
      { OPENOBSERVE_ACCESS_KEY: ACCESS_KEY },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`--failed and --state name the same file, ${same}`);
  }, 30_000);

  it('keeps what a checkpoint of its own cannot send in a failed file of its own', async () => {
    const log = file('bad.log', '{\tnot an event\n');
    const state = join(directory, 'b.json');
    const ran = await run([log, '--endpoint', receiver.url, '--state', state], {
      OPENOBSERVE_ACCESS_KEY: ACCESS_KEY,
    });
    expect(ran.status).toBe(1);
    const failed = join(directory, 'b-failed.ndjson');
    expect(ran.stderr).toContain(`failed 1 (kept in ${failed})`);
    expect(JSON.parse(readFileSync(failed, 'utf8')).errorCode).toBe('Replay.NotAnEvent');
    expect(existsSync(`${state}.lock`) || existsSync(`${failed}.lock`)).toBe(false);
  }, 30_000);

  it('takes the access key from the environment only, and prints a summary', async () => {
    const log = file('a.log', clfLines.join('\n'));
    const state = join(directory, 'cli-state.json');
    // The sample lines are of November 2026: a window wide enough for them whenever this runs.
    const window = ['--ingest-window-hours', '87600'];
    const withoutKey = await run([log, '--endpoint', receiver.url, '--state', state, ...window], {
      OPENOBSERVE_ACCESS_KEY: '',
    });
    expect(withoutKey.status).toBe(1);
    expect(withoutKey.stderr).toContain('refused: set OPENOBSERVE_ACCESS_KEY');

    const sent = await run([log, '--endpoint', receiver.url, '--state', state, ...window], {
      OPENOBSERVE_ACCESS_KEY: ACCESS_KEY,
    });
    expect(sent.stderr).toContain(
      'sent 2 events in 1 batch, failed 0, skipped 0 (done earlier), dropped 0; by log format: clf 2',
    );
    expect(sent.status).toBe(0);
  }, 30_000);

  it('prints its summary when it stops, in --json too, and ends with status 1', async () => {
    const log = file('a.log', clfLines.join('\n'));
    receiver.script(401);
    const stopped = await run(
      [
        log,
        '--endpoint',
        receiver.url,
        '--state',
        join(directory, 's.json'),
        '--ingest-window-hours',
        '87600',
        '--json',
      ],
      { OPENOBSERVE_ACCESS_KEY: ACCESS_KEY },
    );
    expect(stopped.status).toBe(1);
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      sent: 0,
      stopped: expect.stringContaining('OpenObserve refused the access key (HTTP 401'),
    });
    expect(stopped.stderr).toContain('sent 0 events in 0 batches');
    expect(stopped.stderr).toContain(
      `stopped: OpenObserve refused the access key (HTTP 401: Unauthorized Access); check OPENOBSERVE_ACCESS_KEY; a rerun goes on after the last acknowledged batch (--state ${join(directory, 's.json')})`,
    );
  }, 30_000);

  it('refuses a clear-text endpoint that is not on this machine, before reading the key', async () => {
    const log = file('a.log', clfLines.join('\n'));
    const plain = await run(
      [log, '--endpoint', 'http://openobserve.example.com/aws/default/s/_kinesis_firehose'],
      {
        OPENOBSERVE_ACCESS_KEY: ACCESS_KEY,
      },
    );
    expect(plain.status).toBe(1);
    expect(plain.stderr).toContain('refused: --endpoint must use https');
    expect(receiver.requests).toHaveLength(0);
  }, 30_000);

  it('applies the deployed function’s settings with --function, not this shell’s, and says which', async () => {
    const moto: Moto = await startMoto();
    try {
      const clients = {
        iam: new IAMClient(moto.clientConfig),
        lambda: new LambdaClient(moto.clientConfig),
      };
      await createFunction(clients, 'processor', {
        SOURCE_IP: 'truncate',
        DROP_FIELDS: 'extended_request_id',
      });
      const log = file('a.log', clfLines[0] as string);
      const args = [
        log,
        '--dry-run',
        '--failed',
        join(directory, 'f.ndjson'),
        '--ingest-window-hours',
        '87600',
      ];
      // This shell keeps addresses; the function truncates them.
      const shell = { ...moto.env, SOURCE_IP: 'keep' };
      const deployed = await run([...args, '--function', 'processor'], shell);
      expect(deployed.stderr).toContain(
        'processor settings from the function processor: LOG_FORMAT unset, ON_PARSE_ERROR unset, LATENCY_BUCKETS_MS unset, SOURCE_IP truncate, DROP_EVENTS unset, SAMPLE unset, REDACT unset, DROP_FIELDS extended_request_id',
      );
      expect(JSON.parse(deployed.stdout)).toMatchObject({ source_ip: '203.0.113.0' });
      expect(JSON.parse(deployed.stdout)).not.toHaveProperty('extended_request_id');
      expect(deployed.status).toBe(0);

      const local = await run(args, shell);
      expect(local.stderr).toContain(
        "processor settings from this shell's environment (pass --function NAME to use the deployed function's): LOG_FORMAT unset, ON_PARSE_ERROR unset, LATENCY_BUCKETS_MS unset, SOURCE_IP keep,",
      );
      expect(JSON.parse(local.stdout)).toMatchObject({ source_ip: '203.0.113.17' });

      const missing = await run([...args, '--function', 'nope'], shell);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(
        'refused: cannot read the settings of function nope: ResourceNotFoundException',
      );
    } finally {
      await moto.stop();
    }
  }, 60_000);

  it('goes on to its end and summary when the reader of a dry run stops early (| head)', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => clfLines[i % clfLines.length]);
    const log = file('many.log', lines.join('\n'));
    const tsx = resolve('node_modules/.bin/tsx');
    const piped = await new Promise<{ status: number; stdout: string; stderr: string }>((done) =>
      execFile(
        'bash',
        [
          '-o',
          'pipefail',
          '-c',
          `"${tsx}" tools/run.ts replay "${log}" --dry-run --ingest-window-hours 87600 | head -2`,
        ],
        { encoding: 'utf8', timeout: 25_000 },
        (error, stdout, stderr) =>
          done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(piped.stdout.trim().split('\n')).toHaveLength(2);
    expect(piped.stderr).not.toContain('EPIPE');
    expect(piped.stderr).toContain('written 3000 events');
    expect(piped.status).toBe(0);
  }, 30_000);

  it('ends with status 1 when the processor failed a record; a dry run keeps nothing, a run keeps it with its place', async () => {
    const log = file('a.log', `${clfLines[0]}\nnot an access-log line\n`);
    const failed = join(directory, 'f.ndjson');
    const args = [log, '--failed', failed, '--ingest-window-hours', '87600'];
    const env = { ON_PARSE_ERROR: 'fail', LOG_FORMAT: '' };
    const dry = await run([...args, '--dry-run'], env);
    expect(dry.stderr).toContain('written 1 event, failed 1 (a run would keep them in');
    expect(dry.status).toBe(1);
    // The run after it keeps the record once.
    expect(existsSync(failed)).toBe(false);
    const real = await run(
      [...args, '--endpoint', receiver.url, '--state', join(directory, 'state.json')],
      { ...env, OPENOBSERVE_ACCESS_KEY: ACCESS_KEY },
    );
    expect(real.stderr).toContain('sent 1 event in 1 batch, failed 1 (kept in');
    expect(real.status).toBe(1);
    expect(readFileSync(failed, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(readFileSync(failed, 'utf8'))).toMatchObject({
      errorCode: 'Replay.ProcessingFailed',
      source: log,
      line: 2,
      rawData: Buffer.from('not an access-log line').toString('base64'),
    });
  }, 30_000);

  it('ends with status 1 when it skipped events outside the window, and says how many', async () => {
    const old = file(
      'old.log',
      defaultLines
        .join('\n')
        .replaceAll(/RequestTimeEpoch: \d+/g, 'RequestTimeEpoch: 1000000000000'),
    );
    const result = await run(
      [
        old,
        '--endpoint',
        receiver.url,
        '--state',
        join(directory, 's.json'),
        '--failed',
        join(directory, 'f.ndjson'),
      ],
      {
        OPENOBSERVE_ACCESS_KEY: ACCESS_KEY,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${defaultLines.length} events were outside OpenObserve's 5-hour ingest window: ${defaultLines.length} skipped`,
    );
    // Restamped, they are sent, and the run says that the alerts see them as now.
    const restamped = await run(
      [
        old,
        '--endpoint',
        receiver.url,
        '--state',
        join(directory, 's2.json'),
        '--old-events',
        'restamp',
      ],
      { OPENOBSERVE_ACCESS_KEY: ACCESS_KEY },
    );
    expect(restamped.status).toBe(0);
    expect(restamped.stderr).toContain(
      `the ${defaultLines.length} restamped events count as traffic of the time they were sent: the dashboard's panels, and the alerts`,
    );
  }, 30_000);
});

describe('npm run replay, stopped and under load', () => {
  /** The command in one Node.js process (no tsx launcher in between): its pid is the one to kill. */
  const start = (args: string[], env: Record<string, string>, preload: string[] = []) =>
    spawn(process.execPath, [...preload, '--import', 'tsx', 'tools/run.ts', 'replay', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const finished = (child: ChildProcess) =>
    new Promise<{ status: number | null; signal: string | null; stderr: string }>((done) => {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('close', (status, signal) => done({ status, signal, stderr }));
    });

  /** Prints the process's peak resident memory (KiB) on its way out. */
  const reportPeak = [
    '--import',
    `data:text/javascript,${encodeURIComponent(
      "import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(2, 'peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n'));",
    )}`,
  ];
  const peakMiB = (stderr: string) =>
    Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;

  /** Bytes written through gzip as they are made: neither side is held whole in this process. */
  async function gzipParts(parts: (string | { bytes: number })[]): Promise<Buffer> {
    const gzip = createGzip();
    const out: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => out.push(chunk));
    const ended = new Promise((done) => gzip.on('end', done));
    const mib = Buffer.alloc(1024 * 1024, 'b');
    for (const part of parts) {
      const chunks =
        typeof part === 'string'
          ? [Buffer.from(part)]
          : Array.from({ length: part.bytes / mib.length }, () => mib);
      for (const chunk of chunks) {
        if (!gzip.write(chunk)) await new Promise((drain) => gzip.once('drain', drain));
      }
    }
    gzip.end();
    await ended;
    return Buffer.concat(out);
  }

  it('holds a line at a time: a 200 MB line and a 300 MB S3 object do not raise its peak memory', async () => {
    const moto: Moto = await startMoto();
    try {
      const s3 = new S3Client(moto.clientConfig);
      await s3.send(new CreateBucketCommand({ Bucket: 'backup' }));
      const some = `${defaultLines.join('\n')}\n`;
      const mib150 = { bytes: 150 * 1024 * 1024 };
      await s3.send(
        new PutObjectCommand({
          Bucket: 'backup',
          Key: 'big/object.gz',
          Body: await gzipParts([some, mib150, '\n', some, mib150, '\n', some]),
        }),
      );
      const big = join(directory, 'big.log');
      const fd = openSync(big, 'w');
      writeSync(fd, some);
      const mib = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 200; i++) writeSync(fd, mib);
      writeSync(fd, `\n${some}`);
      closeSync(fd);
      const small = file('small.log', some);

      const measure = async (sources: string[]) => {
        const child = start(
          [
            ...sources,
            '--dry-run',
            '--failed',
            join(directory, 'f.ndjson'),
            '--ingest-window-hours',
            '87600',
          ],
          moto.env,
          reportPeak,
        );
        const result = await finished(child);
        return { ...result, peak: peakMiB(result.stderr) };
      };
      const baseline = await measure([small]);
      const loaded = await measure([big, 's3://backup/big/']);
      expect(loaded.stderr).toContain(`written ${defaultLines.length * 5} events`);
      expect(loaded.stderr).toContain('failed 3 (a run would keep them in');
      expect(loaded.status).toBe(1);
      expect(baseline.peak).toBeGreaterThan(0);
      // 500 MB of input raise the peak by what one batch and the stream buffers not yet collected
      // take: about 35 MiB on Node.js 20, 50–110 MiB on Node.js 24, which collects them later (the
      // most under CI's load). Holding the 200 MB line whole would raise it by 200 MiB or more.
      expect(loaded.peak - baseline.peak).toBeLessThan(160);
    } finally {
      await moto.stop();
    }
  }, 120_000);

  it('keeps each record in --failed once after a kill -9 mid-batch and a rerun', async () => {
    // 30 lines with their own request ids; every third is 25 years old, so it is kept, not sent.
    const timed = defaultLines.filter((line) => /RequestTimeEpoch: \d+/.test(line));
    const lines = Array.from({ length: 30 }, (_, i) =>
      (timed[i % timed.length] as string)
        .replace(/RequestId: [\w-]+/, `RequestId: line-${i + 1}`)
        .replace(/RequestTimeEpoch: \d+/, (epoch) =>
          i % 3 === 2 ? 'RequestTimeEpoch: 1000000000000' : epoch,
        ),
    );
    const log = file('a.log', `${lines.join('\n')}\n`);
    const failed = join(directory, 'f.ndjson');
    const args = [
      log,
      '--endpoint',
      receiver.url,
      '--state',
      join(directory, 's.json'),
      '--failed',
      failed,
      '--batch-records',
      '5',
      '--ingest-window-hours',
      '87600',
    ];
    const env = { OPENOBSERVE_ACCESS_KEY: ACCESS_KEY };
    // The first batch is acknowledged; the second is never answered, and the run is killed then.
    receiver.script(200, 'hold');
    const child = start(args, env);
    const children = [child];
    receiver.onRequest = () => {
      if (receiver.requests.length === 2) process.kill(child.pid as number, 'SIGKILL');
    };
    try {
      expect(await finished(child)).toMatchObject({ signal: 'SIGKILL' });
      receiver.onRequest = undefined;
      const rerun = start(args, env);
      children.push(rerun);
      const second = await finished(rerun);
      // Lines 3 and 6 were kept before the first checkpoint; the rerun keeps the other eight.
      expect(second.stderr).toContain('failed 8 (kept in');
      expect(second.status).toBe(1);
    } finally {
      for (const started of children) if (started.exitCode === null) started.kill('SIGKILL');
    }
    const kept = readFileSync(failed, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).line as number);
    expect(kept).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    const delivered = requestIds(receiver.accepted());
    expect(new Set(delivered).size).toBe(20);
  }, 60_000);
});
