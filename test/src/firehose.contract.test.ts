import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Context, FirehoseTransformationEvent } from 'aws-lambda';
import { readConfig } from '../../src/config';
import { createAsyncProcessor, createProcessor } from '../../src/firehose';
import { createHandler } from '../../src/lambda';
import { MAX_OUTPUT_RECORD_BYTES, MAX_RECORD_EVENT_TEXT } from '../../src/outcome';
import { RESPONSE_LIMIT_BYTES } from '../../src/response';
import { eventOf, eventsOf, runBatch, transform } from '../support/batches';
import {
  cloudWatchRecord,
  firehoseEvent,
  loneSurrogateRecords,
  SAMPLE_ARRIVAL_MS,
} from '../support/firehose-event';
import { readCorpus } from '../support/sample-events';

const corpus = readCorpus();
const defaultLines = corpus
  .filter((entry) => entry.event === 'default-format')
  .map((entry) => entry.line);
const lineOf = (event: string, index = 0) =>
  corpus.filter((entry) => entry.event === event)[index]?.line as string;
const sampleEvent = (name: string) =>
  JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as FirehoseTransformationEvent;

describe('handler contract (docs/contracts.md §3)', () => {
  it('returns exactly the input recordIds, in order, each with a result and data', () => {
    for (const name of ['default-format', 'bad-records', 'cloudwatch-logs', 'fallback']) {
      const event = sampleEvent(name);
      const { response } = runBatch(event);
      expect(response.records.map((record) => record.recordId)).toEqual(
        event.records.map((record) => record.recordId),
      );
      for (const record of response.records) {
        expect(['Ok', 'Dropped', 'ProcessingFailed']).toContain(record.result);
        expect(typeof record.data).toBe('string');
      }
    }
  });

  it("gives every event the account and region of the stream's ARN, taken once for the batch", () => {
    const names = readdirSync('events')
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -5));
    let events = 0;
    for (const name of names) {
      const event = sampleEvent(name);
      expect(event.deliveryStreamArn).toMatch(/^arn:aws:firehose:us-east-1:123456789012:/);
      for (const record of runBatch(event).response.records) {
        if (record.result !== 'Ok') continue;
        for (const item of eventsOf(record.data as string)) {
          expect(item).toMatchObject({ aws_account_id: '123456789012', aws_region: 'us-east-1' });
          events++;
        }
      }
    }
    expect(events).toBeGreaterThan(50);
    // Another stream's ARN, another origin; something that is not one (a replay), none.
    const other = {
      ...sampleEvent('default-format'),
      deliveryStreamArn: 'arn:aws:firehose:eu-west-1:111122223333:deliverystream/x',
    };
    expect(eventsOf(runBatch(other).response.records[0]?.data as string)[0]).toMatchObject({
      aws_account_id: '111122223333',
      aws_region: 'eu-west-1',
    });
    const replayed = { ...sampleEvent('default-format'), deliveryStreamArn: 'replay' };
    expect(eventsOf(runBatch(replayed).response.records[0]?.data as string)[0]).not.toHaveProperty(
      'aws_account_id',
    );
  });

  it('reads a record with several lines into one event per line', () => {
    const { response } = runBatch(
      firehoseEvent([{ text: `${lineOf('default-format', 0)}\r\n${lineOf('clf', 0)}\n` }]),
    );
    const events = eventsOf(response.records[0]?.data as string);
    expect(events.map((event) => event.log_format)).toEqual(['default', 'clf']);
  });

  it('keeps every bad record with a reason, and drops only records with nothing in them', () => {
    const { response } = runBatch(sampleEvent('bad-records'));
    const results = response.records.map((record) => record.result);
    expect(results).toEqual(['Ok', 'Ok', 'Ok', 'Ok', 'Dropped', 'Dropped', 'Ok']);
    const kept = response.records.slice(0, 3).map((record) => eventsOf(record.data as string)[0]);
    expect(kept.map((event) => event?.parse_error)).toEqual([
      'record data is not valid base64',
      'record is not UTF-8 text; message holds its bytes in base64',
      'gzip data is corrupt or truncated',
    ]);
    for (const event of kept) expect(event?.log_format).toBe('raw');
    for (const record of response.records.filter((r) => r.result === 'Dropped')) {
      expect(record.data).toBe('');
    }
  });

  it('turns a CloudWatch Logs batch into one record of events and drops the control message', () => {
    const { response } = runBatch(sampleEvent('cloudwatch-logs'));
    expect(response.records.map((record) => record.result)).toEqual(['Ok', 'Dropped']);
    const events = eventsOf(response.records[0]?.data as string);
    expect(events).toHaveLength(3);
    for (const event of events) {
      expect(event).toMatchObject({
        log_group: '/aws/apigateway/http-api-access',
        log_stream: 'prod-stream',
        owner: '123456789012',
      });
    }
  });

  it('throws a clear error only for an event that is not a Firehose batch', () => {
    expect(() => runBatch({} as FirehoseTransformationEvent)).toThrow(
      'Not a Firehose data-transformation event: "records" is not an array; "records" must be an array of {recordId, data}',
    );
    expect(() => runBatch(null as unknown as FirehoseTransformationEvent)).toThrow(TypeError);
    const withNull = firehoseEvent([{ text: lineOf('clf') }]);
    (withNull.records as unknown[]).push(null);
    expect(() => runBatch(withNull)).toThrow(
      'Not a Firehose data-transformation event: records[1] is not a record;',
    );
  });

  it('fails a record without data instead of the batch', () => {
    const event = firehoseEvent([{ text: lineOf('clf') }]);
    const broken = {
      ...event,
      records: [{ recordId: 'no-data', approximateArrivalTimestamp: 1 }, ...event.records],
    } as unknown as FirehoseTransformationEvent;
    const { response } = runBatch(broken);
    expect(response.records.map((record) => [record.recordId, record.result, record.data])).toEqual(
      [
        ['no-data', 'ProcessingFailed', ''],
        [event.records[0]?.recordId, 'Ok', expect.any(String)],
      ],
    );
  });

  describe('ON_PARSE_ERROR', () => {
    const mixed = () =>
      firehoseEvent([
        { text: 'plain text nobody can read' },
        { text: `${lineOf('clf')}\nplain text in a good record` },
        { text: lineOf('clf') },
      ]);

    it('keep: an unparsed line becomes an event with the line and the reason', () => {
      const { response, summary } = runBatch(mixed(), { ON_PARSE_ERROR: 'keep' });
      expect(response.records.map((record) => record.result)).toEqual(['Ok', 'Ok', 'Ok']);
      expect(eventsOf(response.records[0]?.data as string)[0]).toEqual({
        message: 'plain text nobody can read',
        parse_error: 'line matches neither LOG_FORMAT nor a known access-log format',
        log_format: 'raw',
        // The stream's account and region, read once from the batch's deliveryStreamArn.
        aws_account_id: '123456789012',
        aws_region: 'us-east-1',
        _timestamp: response.records[0] && expect.any(Number),
        sample_rate: 1,
      });
      expect(summary.unparsedLines).toBe(2);
    });

    it('fail: a record with an unparsed line goes to S3 whole, with its original data', () => {
      const event = mixed();
      const { response } = runBatch(event, { ON_PARSE_ERROR: 'fail' });
      expect(response.records.map((record) => record.result)).toEqual([
        'ProcessingFailed',
        'ProcessingFailed',
        'Ok',
      ]);
      expect(response.records[0]?.data).toBe(event.records[0]?.data);
      expect(response.records[1]?.data).toBe(event.records[1]?.data);
    });

    it('drop: unparsed lines are left out and a record with nothing left is Dropped', () => {
      const { response, summary } = runBatch(mixed(), { ON_PARSE_ERROR: 'drop' });
      expect(response.records.map((record) => record.result)).toEqual(['Dropped', 'Ok', 'Ok']);
      expect(eventsOf(response.records[1]?.data as string)).toHaveLength(1);
      expect(summary.reasons).toEqual({ 'unparsed line (ON_PARSE_ERROR=drop)': 1 });
    });
  });

  it('compresses a record whose events would pass the HTTP endpoint record limit (§4)', () => {
    // Two 600 kB lines fit one Firehose record but not one transformed record, unless compressed.
    const big = lineOf('default-format').replace(
      'UserAgent: ',
      `UserAgent: ${'u'.repeat(600_000)}`,
    );
    const event = firehoseEvent([{ text: `${big}\n${big}` }, { text: big }]);
    const { response, summary } = runBatch(event);
    const data = Buffer.from(response.records[0]?.data as string, 'base64');
    expect(response.records[0]?.result).toBe('Ok');
    expect(data.length).toBeLessThanOrEqual(MAX_OUTPUT_RECORD_BYTES);
    expect(eventsOf(data.toString('base64'))).toHaveLength(2);
    expect(summary.compressed).toBe(1);
    expect(response.records[1]?.result).toBe('Ok');
    expect(Buffer.from(response.records[1]?.data as string, 'base64').length).toBeLessThanOrEqual(
      MAX_OUTPUT_RECORD_BYTES,
    );
  });

  it('fails, with its original data, a record whose events pass the limit even compressed', () => {
    // Random text hardly compresses: 1.6 MB of it in user agents is over 1,024,000 bytes anyway.
    const lines = Array.from({ length: 16 }, () =>
      lineOf('default-format').replace(
        'UserAgent: ',
        `UserAgent: ${randomBytes(75_000).toString('base64')}`,
      ),
    );
    const event = firehoseEvent([{ text: lines.join('\n') }]);
    const { response, summary } = runBatch(event);
    expect(response.records[0]).toEqual({
      recordId: event.records[0]?.recordId,
      result: 'ProcessingFailed',
      data: event.records[0]?.data,
    });
    expect(Object.keys(summary.reasons)[0]).toMatch(/even gzip-compressed/);
  });

  it('keeps the response under 6 MB by failing, with original data, the records past the bound', () => {
    // 2 MB of short CLF lines (an invocation of about 4 MB, under Lambda's 6 MB request limit)
    // more than doubles once enriched: past 6 MB if nothing stopped it.
    const line = lineOf('clf');
    const count = Math.ceil(2_000_000 / line.length);
    const event = firehoseEvent(Array.from({ length: count }, () => ({ text: line })));
    const { response, summary } = runBatch(event);
    const size = Buffer.byteLength(JSON.stringify(response));
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(6_000_000);
    expect(size).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
    expect(response.records).toHaveLength(count);
    expect(summary.failedOverResponseLimit).toBeGreaterThan(0);
    const firstFailed = response.records.findIndex((r) => r.result === 'ProcessingFailed');
    expect(firstFailed).toBeGreaterThan(0);
    // Everything from the bound on is failed, with its original data for S3.
    response.records.slice(firstFailed).forEach((record, i) => {
      expect(record.result).toBe('ProcessingFailed');
      expect(record.data).toBe(event.records[firstFailed + i]?.data);
    });
    expect(summary.ok + summary.processingFailed).toBe(count);
    expect(summary.eventsOut).toBe(summary.ok);
  });

  it('counts what it did in the batch summary', () => {
    const { summary } = runBatch(sampleEvent('bad-records'));
    expect(summary).toMatchObject({
      recordsIn: 7,
      ok: 5,
      dropped: 2,
      processingFailed: 0,
      eventsOut: 5,
      unparsedLines: 3,
      eventsByFormat: { raw: 3, labels: 1, default: 1 },
    });
    expect(summary.bytesIn).toBeGreaterThan(1_000_000);
    expect(summary.bytesOut).toBeGreaterThan(summary.bytesIn);
  });
});

describe('DROP_EVENTS, SAMPLE, REDACT and DROP_FIELDS in a batch', () => {
  const rules = {
    DROP_EVENTS: 'http_method=DELETE|PATCH; user_agent~^curl/',
    SAMPLE: 'status_class=2xx:0.5',
    REDACT: 'uuid',
    DROP_FIELDS: 'extended_request_id',
  };
  const batches = [
    'default-format',
    'clf',
    'json',
    'csv',
    'fallback',
    'cloudwatch-logs',
    'bad-records',
  ];

  it('accounts for every event: in = out + dropped + sampled out, by rule', () => {
    const totals = { dropped: 0, sampledOut: 0 };
    const droppedBy = new Set<string>();
    const byRule = (counts: Record<string, number>) =>
      Object.values(counts).reduce((a, b) => a + b, 0);
    for (const name of batches) {
      const { summary } = runBatch(sampleEvent(name), rules);
      expect({ name, in: summary.eventsIn }).toEqual({
        name,
        in: summary.eventsOut + summary.eventsDropped + summary.eventsSampledOut,
      });
      expect(byRule(summary.droppedBy)).toBe(summary.eventsDropped);
      expect(byRule(summary.sampledOutBy)).toBe(summary.eventsSampledOut);
      totals.dropped += summary.eventsDropped;
      totals.sampledOut += summary.eventsSampledOut;
      for (const rule of Object.keys(summary.droppedBy)) droppedBy.add(rule);
    }
    expect(totals.dropped).toBeGreaterThan(0);
    expect(totals.sampledOut).toBeGreaterThan(0);
    expect([...droppedBy].sort()).toEqual(['http_method=DELETE|PATCH', 'user_agent~^curl/']);
  });

  it('writes what it keeps with sample_rate, without the dropped fields', () => {
    const { response } = runBatch(sampleEvent('default-format'), rules);
    const events = response.records.flatMap((record) =>
      record.result === 'Ok' ? eventsOf(record.data ?? '') : [],
    );
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.sample_rate).toBe(event.status_class === '2xx' ? 2 : 1);
      expect(event).not.toHaveProperty('extended_request_id');
      expect(event.http_method).not.toMatch(/^(DELETE|PATCH)$/);
    }
  });

  it('returns a record whose events were all dropped as Dropped, with the reason', () => {
    const { response, summary } = runBatch(firehoseEvent([{ text: defaultLines[1] as string }]), {
      DROP_EVENTS: 'user_agent~^curl/',
    });
    expect(response.records[0]).toMatchObject({ result: 'Dropped', data: '' });
    expect(summary.reasons).toEqual({ 'every event dropped or sampled out by rules': 1 });
  });

  it('redacts an unparsed line kept as message', () => {
    const [event] = transform(
      [{ text: 'plain text about a@b.io and 7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01' }],
      { REDACT: 'email;uuid' },
    );
    expect(event).toMatchObject({
      log_format: 'raw',
      message: 'plain text about [email] and [uuid]',
    });
  });

  it('keeps bytes REDACT cannot read out of OpenObserve: not UTF-8, corrupt gzip', () => {
    const secret = 'user alice@example.com from 203.0.113.7';
    const latin1 = Buffer.concat([Buffer.from(`${secret} `), Buffer.from([0xe9])]);
    const truncated = gzipSync(secret).subarray(0, 20);
    const event = firehoseEvent([{ bytes: latin1 }, { bytes: truncated }, { text: secret }]);
    const { response } = runBatch(event, { REDACT: 'email;ipv4' });
    expect(response.records.map((record) => record.result)).toEqual([
      'ProcessingFailed',
      'ProcessingFailed',
      'Ok',
    ]);
    expect(response.records[0]?.data).toBe(event.records[0]?.data);
    expect(eventsOf(response.records[2]?.data as string)[0]?.message).toBe(
      'user [email] from [ipv4]',
    );
    // Without REDACT they are kept, their bytes in base64.
    expect(runBatch(event).response.records.map((record) => record.result)).toEqual([
      'Ok',
      'Ok',
      'Ok',
    ]);
  });

  it('reads a line as LOG_FORMAT does with a rule set too, though it looks like an execution-log line', () => {
    const format = '($context.requestId) $context.status $context.identity.sourceIp';
    const line = '(r-5) 500 203.0.113.7';
    const read = { request_id: 'r-5', status: 500, log_format: 'custom' };
    expect(eventOf(line, { LOG_FORMAT: format })).toMatchObject(read);
    expect(
      eventOf(line, { LOG_FORMAT: format, SOURCE_IP: 'truncate', REDACT: 'email' }),
    ).toMatchObject({ ...read, source_ip: '203.0.113.0' });
    expect(transform([{ text: line }], { LOG_FORMAT: format, DROP_EVENTS: 'status=500' })).toEqual(
      [],
    );
  });
});

describe('handler', () => {
  /** What the function writes to its log: stdout and stderr, as Lambda's log stream has both. */
  const captureStdout = async (run: () => Promise<unknown>) => {
    const chunks: string[] = [];
    const capture = (chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    try {
      await run();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return chunks.join('');
  };

  it('logs one summary line without record contents and publishes the counts as EMF metrics', async () => {
    const env = process.env;
    const saved = { ...env };
    Object.assign(env, { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' });
    const records = sampleEvent('default-format').records.length;
    // One line per record, and two in the last (test/support/sample-events.ts).
    const events = records + 1;
    try {
      const output = await captureStdout(async () => {
        const handler = await createHandler(process.env);
        const response = await handler(sampleEvent('default-format'));
        expect(response.records).toHaveLength(records);
      });
      const lines = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const summary = lines.find((line) => line.message === 'batch transformed');
      expect(summary).toMatchObject({
        recordsIn: records,
        ok: records,
        eventsOut: events,
        level: 'INFO',
      });
      expect(output).not.toContain('7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01');
      const metrics = lines.find((line) => line._aws && 'RecordsIn' in line);
      expect(metrics).toMatchObject({ RecordsIn: records, RecordsOk: records, EventsOut: events });
      expect(lines.find((line) => line.EventsByFormat)).toMatchObject({
        log_format: 'default',
        EventsByFormat: events,
      });
      // Each metric is billed: the template and the docs say how many there are.
      const published = metrics._aws.CloudWatchMetrics[0].Metrics.length;
      const said = `${published} custom`;
      expect(readFileSync('template.yaml', 'utf8')).toContain(`(${said} metrics, plus`);
      expect(readFileSync('docs/deploy.md', 'utf8')).toContain(`EMF metrics (${said} CloudWatch`);
      expect(readFileSync('docs/deploy.md', 'utf8')).toContain(`| ${said} metrics, plus one`);
    } finally {
      process.env = saved;
    }
  });

  it('keeps a tenth of its time, at least 3 s, to answer: with less left, a batch with gzip records comes back failed, each record with its data', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const line = lineOf('default-format');
    const event = firehoseEvent([{ text: line }, { bytes: gzipSync(line) }]);
    const left = (ms: number) => ({ getRemainingTimeInMillis: () => ms }) as unknown as Context;
    try {
      const results: string[][] = [];
      const output = await captureStdout(async () => {
        const handler = await createHandler(process.env);
        for (const ms of [60_000, 2_900]) {
          const response = await handler(event, left(ms));
          results.push(response.records.map((record) => record.result));
        }
      });
      expect(results).toEqual([
        ['Ok', 'Ok'],
        ['ProcessingFailed', 'ProcessingFailed'],
      ]);
      const summaries = output
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text))
        .filter((entry) => entry.message === 'batch transformed');
      expect(summaries.map((summary) => summary.failedOutOfTime)).toEqual([0, 2]);
    } finally {
      process.env = saved;
    }
  });

  it('starts with variables API Gateway added after its list, logs them once at init and keeps their values', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO' });
    const format =
      '$context.requestId $context.status $context.integration.responseTransferMode $context.integration.timeToFirstContent $context.integration.timeToAllHeaders $context.someNewThing';
    const line = 'r-1 200 STREAMED 41 38 shiny-value';
    try {
      let response: Awaited<ReturnType<Awaited<ReturnType<typeof createHandler>>>> | undefined;
      const output = await captureStdout(async () => {
        const handler = await createHandler({ ...process.env, LOG_FORMAT: format });
        response = await handler(firehoseEvent([{ text: line }, { text: line }]));
      });
      const logged = output
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text))
        .filter((entry) => entry.unknownVariables);
      expect(logged).toEqual([
        expect.objectContaining({
          level: 'WARN',
          unknownVariables: [
            {
              variable: '$context.someNewThing',
              field: 'some_new_thing',
              closestKnown: expect.stringMatching(/^\$context\./),
            },
          ],
        }),
      ]);
      const data = response?.records[0]?.data ?? '';
      expect(JSON.parse(Buffer.from(data, 'base64').toString())).toMatchObject({
        request_id: 'r-1',
        status: 200,
        integration_response_transfer_mode: 'STREAMED',
        integration_time_to_first_content: 41,
        integration_time_to_all_headers: 38,
        some_new_thing: 'shiny-value',
        log_format: 'custom',
      });
    } finally {
      process.env = saved;
    }
  });

  it('keeps the value of a variable LOG_FORMAT names under a name the processor writes, as context_<name>', () => {
    // Variables AWS may add whose names are the processor's own: the line's value is kept under
    // context_<name>, beside the processor's, each key written once.
    const LOG_FORMAT = '$context.requestId $context.awsRegion $context.logFormat $context.logGroup';
    const envs: Record<string, string>[] = [
      { LOG_FORMAT },
      { LOG_FORMAT, DROP_EVENTS: 'http_method=OPTIONS' },
    ];
    for (const env of envs) {
      const event = eventOf('r-1 moon evil g', env);
      expect(event).toMatchObject({
        request_id: 'r-1',
        log_format: 'custom',
        context_aws_region: 'moon',
        context_log_format: 'evil',
        context_log_group: 'g',
      });
      expect(event.aws_region).not.toBe('moon');
      expect(event).not.toHaveProperty('log_group');
    }
  });

  it('keeps both values of two variables that would have one name', () => {
    // The owner's account and the caller's; API Gateway's status for the integration and the
    // integration's own: different facts, each its field.
    expect(
      eventOf('r1 111111111111 222222222222 /a', {
        LOG_FORMAT:
          '$context.requestId $context.accountId $context.identity.accountId $context.path',
      }),
    ).toMatchObject({ account_id: '111111111111', identity_account_id: '222222222222' });
    expect(
      eventOf('r1 200 502 /a', {
        LOG_FORMAT:
          '$context.requestId $context.integrationStatus $context.integration.status $context.path',
      }),
    ).toMatchObject({ integration_status: 200, integration_status_2: 502 });
    // The same variable twice is one field.
    expect(
      eventOf('r1 200 200', { LOG_FORMAT: '$context.requestId $context.status $context.status' }),
    ).toMatchObject({ status: 200 });
  });

  it("never writes a caller's API key, whichever reading gives it, and warns at init when LOG_FORMAT names it", async () => {
    const LOG_FORMAT =
      'RequestId: $context.requestId, ApiKey: $context.identity.apiKey, StatusCode: $context.status';
    const line = 'RequestId: r-1, ApiKey: SECRETKEY123, StatusCode: 200';
    const json = '{"requestId":"r-2","apiKey":"SECRETKEY123","status":"200"}';
    for (const [text, env] of [
      [line, { LOG_FORMAT }],
      [line, { LOG_FORMAT, REDACT: 'email' }],
      [json, {}],
      [json, { DROP_EVENTS: 'http_method=OPTIONS' }],
      // A status LOG_FORMAT does not read: the labels reading names Key as the format does.
      [line.replace('StatusCode: 200', 'StatusCode: abc'), { LOG_FORMAT }],
    ] as const) {
      const { response } = runBatch(firehoseEvent([{ text }]), env);
      const data = Buffer.from(response.records[0]?.data as string, 'base64').toString();
      expect(data).toMatch(/"request_id":"r-[12]"/);
      expect(data).not.toContain('SECRETKEY123');
    }
    const saved = { ...process.env };
    Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'INFO' });
    try {
      const output = await captureStdout(() => createHandler({ ...process.env, LOG_FORMAT }));
      expect(output).toContain('LOG_FORMAT names $context.identity.apiKey is the caller');
    } finally {
      process.env = saved;
    }
  });

  it('refuses to start with an invalid setting, naming it', async () => {
    await expect(createHandler({ ON_PARSE_ERROR: 'sometimes' })).rejects.toThrow(
      'ON_PARSE_ERROR must be one of keep, fail, drop; got "sometimes"',
    );
    await expect(createHandler({ DROP_EVENTS: 'user_agent~(?=bot)' })).rejects.toThrow(
      'DROP_EVENTS: /(?=bot)/ is not an expression this function can run',
    );
  });

  const HASH_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ip-hash-key-AbCdEf';

  it('hashes addresses with the key read from the secret the environment names', async () => {
    const read = jest.fn(async () => 'a-generated-key-of-forty-eight-characters-000000');
    const handler = await createHandler(
      {
        SOURCE_IP: 'hash',
        SOURCE_IP_HASH_KEY_SECRET_ARN: HASH_SECRET,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      read,
    );
    expect(read).toHaveBeenCalledWith(HASH_SECRET);
    const { records } = await handler(firehoseEvent([{ text: defaultLines[0] as string }]));
    const [event] = eventsOf(records[0]?.data ?? '');
    expect(event?.source_ip).toMatch(/^[0-9a-f]{32}$/);
    expect(event?.source_ip).toBe(
      eventOf(defaultLines[0] as string, {
        SOURCE_IP: 'hash',
        SOURCE_IP_HASH_KEY: 'a-generated-key-of-forty-eight-characters-000000',
      }).source_ip,
    );
  });

  it('stops at start-up when the secret cannot be read, or holds too short a key, naming it', async () => {
    const env = { SOURCE_IP: 'hash', SOURCE_IP_HASH_KEY_SECRET_ARN: HASH_SECRET };
    const denied = Object.assign(
      new Error('User is not authorized to perform secretsmanager:GetSecretValue'),
      {
        name: 'AccessDeniedException',
      },
    );
    await expect(createHandler(env, async () => Promise.reject(denied))).rejects.toThrow(
      `SOURCE_IP_HASH_KEY_SECRET_ARN: cannot read secret ${HASH_SECRET}: AccessDeniedException: User is not authorized`,
    );
    await expect(createHandler(env, async () => 'short')).rejects.toThrow(
      `SOURCE_IP_HASH_KEY_SECRET_ARN: secret ${HASH_SECRET} must hold a key of at least 16 characters`,
    );
  });

  it('never hashes with a key it has not read', () => {
    expect(() =>
      createProcessor(
        readConfig({ SOURCE_IP: 'hash', SOURCE_IP_HASH_KEY_SECRET_ARN: HASH_SECRET }),
      ),
    ).toThrow('has not been read');
  });
});

describe('hostile input', () => {
  const stageJson =
    '{"requestId":"$context.requestId","ua":"$context.identity.userAgent","status":"$context.status","path":"$context.path"}';

  it('never lets a user agent pose as the status of a JSON format API Gateway did not escape', () => {
    // API Gateway leaves the quotes of a JSON value unescaped (§2).
    const line =
      '{"requestId":"r-1","ua":"x","status":"200","path":"","status":"500","path":"/orders"}';
    const event = eventOf(line, { LOG_FORMAT: stageJson });
    expect(event.status).toBeUndefined();
    expect(event).toMatchObject({ request_id: 'r-1', message: line, log_format: 'raw' });
    expect(event.parse_error).toMatch(/^ambiguous line: readings differ in user_agent, status/);
  });

  it('never lets a user agent pose as an execution-log line, read by LOG_FORMAT or not', () => {
    const forged = '(r-real) Method completed with status: 200';
    // A JSON stage whose LOG_FORMAT is another: the line is the access log's, not a delivery's.
    const injected = `{"requestId":"r-real","ip":"1.2.3.4","httpMethod":"POST","status":"500","userAgent":"x","payload":"${forged}","event_timestamp":"1"}`;
    expect(eventOf(injected)).toMatchObject({
      request_id: 'r-real',
      status: 500,
      http_method: 'POST',
      log_format: 'json',
    });
    // Whatever the keys' case and separators, and whatever they are named: only a delivery's
    // own fields make a delivery record.
    const spelt = `{"Request-Id":"r-real","status_code":"500","payload":"${forged}"}`;
    expect(eventOf(spelt)).not.toMatchObject({ log_format: 'execution' });
    const named = `{"id":"abc-1","code":"403","agent":"x","payload":"${forged}"}`;
    expect(eventOf(named)).toMatchObject({ log_format: 'json', message: named });
    expect(eventOf(named).request_id).toBeUndefined();
    expect(eventOf(`{"stage":"prod","payload":"${forged}"}`)).toMatchObject({
      log_format: 'execution',
      request_id: 'r-real',
    });
    // A delivery's record with a key its specification does not name is still one: it names
    // the stage it came from.
    const arn = 'arn:aws:apigateway:us-east-1:123456789012:/restapis/a1b2c3d4e5/stages/prod';
    expect(
      eventOf(`{"resource_arn":"${arn}","account_id":"123456789012","payload":"${forged}"}`),
    ).toMatchObject({ log_format: 'execution', request_id: 'r-real', stage: 'prod' });
    // A stage's own JSON format of keys no reading knows, its user agent posing as a delivery's
    // fields, a stage's ARN and a time of 1970 (which OpenObserve would drop): the line is the
    // access log's, kept whole, never a forged execution event in place of it.
    const posing = `{"rid":"r-2","code":"200","path":"/admin/delete","ua":"curl","resource_arn":"${arn}","event_timestamp":"1","payload":"${forged}"}`;
    expect(eventOf(posing)).toMatchObject({ log_format: 'json' });
    expect(eventOf(posing).message).toContain('"rid":"r-2"');
    // LOG_FORMAT reads the line two ways: it is kept whole, never read as an execution log.
    const ambiguous = `{"requestId":"r-1","ua":"x","status":"200","path":"","status":"500","path":"${forged}"}`;
    expect(eventOf(ambiguous, { LOG_FORMAT: stageJson })).toMatchObject({
      request_id: 'r-1',
      message: ambiguous,
      log_format: 'raw',
    });
    const first = '$context.identity.userAgent|$context.requestId|$context.status|$context.path';
    const event = eventOf('(x) |a{b|rid|200|/p', { LOG_FORMAT: first });
    expect(event).toMatchObject({ message: '(x) |a{b|rid|200|/p', log_format: 'raw' });
    expect(event.parse_error).toMatch(/^ambiguous line/);
  });

  it('never lets free text before the status of a key-value format pose as it', () => {
    const format =
      'id=$context.requestId agent=$context.identity.userAgent status=$context.status path=$context.path';
    const line = 'id=r-2 agent=curl status=200 path=/x status=503 path=/orders';
    const event = eventOf(line, { LOG_FORMAT: format });
    expect(event).toMatchObject({ request_id: 'r-2', message: line });
    expect(event.status).toBeUndefined();
  });

  it('still reads a line whose free text holds separators but only one reading fits', () => {
    const format = '$context.requestId,$context.identity.userAgent,$context.status';
    expect(eventOf('r-3,agent, with, commas,404', { LOG_FORMAT: format })).toMatchObject({
      request_id: 'r-3',
      user_agent: 'agent, with, commas',
      status: 404,
    });
  });

  it('never lets a repeated JSON key replace the request id, status or time', () => {
    const line =
      '{"requestId":"real","status":"500","requestTimeEpoch":"1795546045123","requestId":"forged","requestTimeEpoch":"0"}';
    const event = eventOf(line);
    expect(event).toMatchObject({ status: 500, message: line });
    expect(event.request_id).toBeUndefined();
    expect(event.request_time_epoch).toBeUndefined();
    expect(event._timestamp).toBe(SAMPLE_ARRIVAL_MS * 1000);
    expect(event.parse_error).toMatch(/request_id, request_time_epoch given more than once/);
  });

  it('writes no half of a UTF-16 pair, which OpenObserve refuses with the whole request', () => {
    const strings = (event: Record<string, unknown>) =>
      Object.values(event).filter((value): value is string => typeof value === 'string');
    for (const env of [{}, { REDACT: 'email' }] as Record<string, string>[]) {
      const events = transform(loneSurrogateRecords(lineOf('default-format')), env);
      expect(events.map((event) => event.request_id)).toEqual([
        'lone-json',
        `lone-cloudwatch-${lineOf('default-format').match(/RequestId: ([^,]*)/)?.[1]}`,
        'lone-execution',
      ]);
      for (const event of events) {
        for (const text of strings(event)) expect(text.isWellFormed()).toBe(true);
      }
      expect(events[0]?.user_agent).toBe('x \ufffd y');
      expect(events[1]?.user_agent).toMatch(/^x \ufffd y/);
      // Cut before the emoji, not between its halves.
      expect(events[2]?.failure_reason).toBe('a'.repeat(999));
    }
  });

  it('keeps a `\\ud83d` of a JSON format as written: half a character is no text to unescape', () => {
    const line = '{"requestId":"r-4","ua":"x \\ud83d y","status":"200","path":"/"}';
    for (const env of [
      { LOG_FORMAT: stageJson },
      { LOG_FORMAT: stageJson, REDACT: 'email' },
    ] as Record<string, string>[]) {
      expect(eventOf(line, env)).toMatchObject({ request_id: 'r-4', user_agent: 'x \\ud83d y' });
    }
  });

  it('fails records of millions of tiny lines, their events past 16 MiB, and answers the others', () => {
    const tiny = 'a\n'.repeat(2_000_000); // 4 MB: each line a raw event of some 170 bytes
    const good = lineOf('default-format');
    const started = performance.now();
    const { response, summary } = runBatch(
      firehoseEvent([
        { bytes: gzipSync(tiny) },
        { text: tiny.slice(0, 1_000_000) },
        { text: good },
      ]),
    );
    // A plain record of 1 MB of them too: half a million raw events would be 85 MB.
    expect(response.records.map((record) => record.result)).toEqual([
      'ProcessingFailed',
      'ProcessingFailed',
      'Ok',
    ]);
    expect(summary.reasons).toEqual({ [`events past ${MAX_RECORD_EVENT_TEXT} characters`]: 2 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('fails the records left once its deadline has passed, each with its data, from the gzip record it passed before', async () => {
    // The clock as the processor reads it, before each group and each gzip record (nothing else
    // in it reads the time: the records have their arrival): in time for the first three records,
    // past the deadline from the fourth on, in the first group of eight, however fast this
    // machine inflates and reads them. A group's records are up to 4 MiB of lines each, which a
    // client's text can make slow to read: a check per group let eight of them run on past the
    // deadline, and the invocation past its time-out, failing every record of the batch.
    const blank = gzipSync('\n'.repeat(1_000_000));
    const event = firehoseEvent(Array.from({ length: 16 }, () => ({ bytes: blank })));
    const processBatch = createAsyncProcessor(readConfig({}));
    const start = Date.now();
    const clock = jest.spyOn(Date, 'now');
    for (let i = 0; i < 4; i++) clock.mockReturnValueOnce(start);
    clock.mockReturnValue(start + 60_000);
    let outcome: Awaited<ReturnType<typeof processBatch>>;
    try {
      outcome = await processBatch(event, start + 50);
    } finally {
      clock.mockRestore();
    }
    const { response, summary } = outcome;
    expect(response.records.map((record) => record.result)).toEqual([
      ...Array(3).fill('Dropped'),
      ...Array(13).fill('ProcessingFailed'),
    ]);
    expect(response.records[3]?.data).toBe(event.records[3]?.data);
    expect(response.records[15]?.data).toBe(event.records[15]?.data);
    expect(summary.failedOutOfTime).toBe(13);
    expect(summary.reasons["the invocation's time was running out"]).toBe(13);
  });

  it("writes sample_rate once, the processor's, whatever the line names so", () => {
    const cases: [string, Record<string, string>][] = [
      ['{"requestId":"r-6","sample_rate":1000}', {}],
      ['RequestId: r-6, SampleRate: 1000, Status: 200', {}],
      ['r-6 1000', { LOG_FORMAT: '$context.requestId $context.sampleRate' }],
    ];
    for (const [line, env] of cases) {
      for (const rules of [{}, { REDACT: 'email' }] as Record<string, string>[]) {
        const { response } = runBatch(firehoseEvent([{ text: line }]), { ...env, ...rules });
        const text = Buffer.from(response.records[0]?.data as string, 'base64').toString();
        expect(text.match(/"sample_rate":/g)).toHaveLength(1);
        expect(eventsOf(response.records[0]?.data as string)[0]).toMatchObject({
          request_id: 'r-6',
          sample_rate: 1,
        });
      }
    }
  });

  it('delivers every event of a CloudWatch Logs record with thousands of events', () => {
    const line = lineOf('default-format');
    const messages = Array.from({ length: 3_000 }, (_, i) => ({
      message: line.replace('RequestId: ', `RequestId: ${i}-`),
      timestampMs: SAMPLE_ARRIVAL_MS,
    }));
    const { response, summary } = runBatch(firehoseEvent([cloudWatchRecord(messages)]));
    expect(response.records[0]?.result).toBe('Ok');
    expect(eventsOf(response.records[0]?.data as string)).toHaveLength(3_000);
    expect(summary.compressed).toBe(1);
  });

  it('delivers every event of a batch of CloudWatch records whose events pass 6 MB', () => {
    const line = lineOf('default-format');
    const records = Array.from({ length: 40 }, (_, r) =>
      cloudWatchRecord(
        Array.from({ length: 1_500 }, (_, i) => ({
          message: line.replace('RequestId: ', `RequestId: ${r}-${i}-`),
          timestampMs: SAMPLE_ARRIVAL_MS,
        })),
      ),
    );
    const { response, summary } = runBatch(firehoseEvent(records));
    expect(summary.processingFailed).toBe(0);
    expect(summary.eventsOut).toBe(60_000);
    expect(JSON.stringify(response).length).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
    expect(summary.compressed).toBeGreaterThan(0);
  });

  it('compresses early what the records still to come need: a megabyte of CloudWatch records all come back', () => {
    // Records of 100 events each, about 1 MB of gzip in all (the template's largest processor
    // buffer): each one's events fit the response uncompressed, but all of them do not.
    const line = lineOf('default-format');
    const records = Array.from({ length: 240 }, (_, r) =>
      cloudWatchRecord(
        Array.from({ length: 100 }, (_, i) => ({
          message: line.replace('RequestId: ', `RequestId: ${r}-${i}-${randomUUID()}-`),
          timestampMs: SAMPLE_ARRIVAL_MS,
        })),
      ),
    );
    const input = records.reduce(
      (sum, record) => sum + (record as { bytes: Uint8Array }).bytes.length,
      0,
    );
    expect(input).toBeGreaterThan(900_000);
    const { response, summary } = runBatch(firehoseEvent(records));
    expect(summary.processingFailed).toBe(0);
    expect(summary.eventsOut).toBe(24_000);
    expect(JSON.stringify(response).length).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
  });

  it('sends a megabyte of one-line records, as API Gateway writes them, as they are: the room is there', () => {
    // Thousands of records whose ids (62 characters each) take a bound of megabytes in the
    // response: with only the bound, each record looked short of room and was compressed, which
    // took five times as long for the CLF batch of the benchmark.
    const line = lineOf('clf');
    const records = Array.from({ length: 8_000 }, (_, i) => ({
      text: line.replace(/^\S+/, `10.0.${i % 250}.${i % 251}`),
    }));
    const { summary } = runBatch(firehoseEvent(records));
    expect(summary.ok).toBe(8_000);
    expect(summary.compressed).toBe(0);
  });

  it('compresses the CloudWatch records of a batch, not the one-line records beside them', () => {
    // A stream that takes a stage's access logs and a subscription of its execution log group.
    // Each one-line record looked at the room as if every record to come grew as much as its
    // line did, CloudWatch ones too (which are compressed), and was compressed itself.
    const clf = lineOf('clf');
    const line = lineOf('default-format');
    const records = [
      ...Array.from({ length: 4_000 }, (_, i) => ({
        text: clf.replace(/^\S+/, `10.0.${i % 250}.${i % 251}`),
      })),
      ...Array.from({ length: 30 }, (_, r) =>
        cloudWatchRecord(
          Array.from({ length: 1_000 }, (_, i) => ({
            message: line.replace('RequestId: ', `RequestId: ${r}-${i}-${randomUUID()}-`),
            timestampMs: SAMPLE_ARRIVAL_MS,
          })),
        ),
      ),
    ];
    const { response, summary } = runBatch(firehoseEvent(records));
    expect(summary.ok).toBe(4_030);
    expect(summary.compressed).toBeLessThanOrEqual(30);
    expect(JSON.stringify(response).length).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
  });

  it.each([5, 10])(
    'compresses records of a few events as well: a megabyte of CloudWatch records of %i events all come back',
    (per) => {
      // A record of a few events holds a few KB of them, ten times its gzip data: no record is large
      // enough alone to be worth compressing, and uncompressed they filled the response at a third
      // of the batch (571 of 1,080 records of 10 events failed, 227 of 1,338 of 5).
      const line = lineOf('default-format');
      const records: ReturnType<typeof cloudWatchRecord>[] = [];
      let input = 0;
      for (let r = 0; input < 1_000_000; r++) {
        const record = cloudWatchRecord(
          Array.from({ length: per }, (_, i) => ({
            message: line.replace('RequestId: ', `RequestId: ${r}-${i}-${randomUUID()}-`),
            timestampMs: SAMPLE_ARRIVAL_MS,
          })),
        );
        input += (record as { bytes: Uint8Array }).bytes.length;
        records.push(record);
      }
      const { response, summary } = runBatch(firehoseEvent(records));
      expect(summary.processingFailed).toBe(0);
      expect(summary.eventsOut).toBe(records.length * per);
      expect(JSON.stringify(response).length).toBeLessThanOrEqual(RESPONSE_LIMIT_BYTES);
    },
  );

  it('reads an epoch request time in seconds as seconds (an HTTP API by CloudWatch Logs), never as January 1970', () => {
    const seconds = 1795546045;
    const ms = seconds * 1000;
    const defaultLine = lineOf('default-format').replace(
      /RequestTimeEpoch: \d+/,
      `RequestTimeEpoch: ${seconds}`,
    );
    const json = `{"requestId":"h-1","status":"200","requestTime":"24/Nov/2026:18:47:25 +0000","requestTimeEpoch":"${seconds}"}`;
    const viaLogGroup = transform([cloudWatchRecord([{ message: json, timestampMs: ms + 9 }])]);
    const events = [
      eventOf(defaultLine),
      eventOf(defaultLine, { REDACT: 'email' }),
      eventOf(json),
      ...viaLogGroup,
    ];
    for (const event of events) {
      expect(event.request_time_epoch).toBe(seconds);
      expect(event._timestamp).toBe(ms * 1000);
    }
    // Milliseconds, as a REST API's stage writes them, are taken as they are.
    const inMs = lineOf('default-format').replace(
      /RequestTimeEpoch: \d+/,
      `RequestTimeEpoch: ${ms + 123}`,
    );
    expect(eventOf(inMs)._timestamp).toBe((ms + 123) * 1000);
  });

  it('takes the arrival time for a CloudWatch timestamp _timestamp cannot hold exactly', () => {
    const [event] = transform([cloudWatchRecord([{ message: 'no time here', timestampMs: 1e16 }])]);
    expect(event?._timestamp).toBe(SAMPLE_ARRIVAL_MS * 1000);
  });

  it('fails a record that is not base64 with ON_PARSE_ERROR=fail, its data in base64', () => {
    const event = firehoseEvent([{ data: 'not base64!' }]);
    const { response } = runBatch(event, { ON_PARSE_ERROR: 'fail' });
    expect(response.records[0]).toMatchObject({
      result: 'ProcessingFailed',
      data: Buffer.from('not base64!').toString('base64'),
    });
  });
});
