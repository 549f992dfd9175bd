import fc from 'fast-check';
import { executionLogGroup } from '../../src/decode';
import {
  EXECUTION_FIELDS,
  EXECUTION_MESSAGES,
  executionEvent,
  executionFacts,
  executionSource,
  splitExecutionLine,
} from '../../src/execution';
import { eventOf, transform } from '../support/batches';
import { cloudWatchRecord, SAMPLE_ARRIVAL_MS } from '../support/firehose-event';

/** Messages as API Gateway writes them (docs/contracts.md §8), and the facts each gives. */
const KNOWN: [string, Record<string, string | number>][] = [
  ['Method completed with status: 502', { method_status: 502 }],
  [
    'Received response. Status: 200, Integration latency: 356 ms',
    { integration_status: 200, integration_latency: 356 },
  ],
  ['Received response. Integration latency: 40 ms', { integration_latency: 40 }],
  ['Execution failed due to a timeout error', { failure: 'timeout' }],
  [
    'Execution failed due to configuration error: Invalid permissions on Lambda function',
    { failure: 'configuration', failure_reason: 'Invalid permissions on Lambda function' },
  ],
  [
    'Lambda execution failed with status 200 due to customer function error: Cannot read properties of undefined. Lambda request id: 71952965-7b9c-4d1e-9c5f-3a2b1c0d9e8f',
    {
      failure: 'function',
      integration_status: 200,
      failure_reason: 'Cannot read properties of undefined',
      integration_request_id: '71952965-7b9c-4d1e-9c5f-3a2b1c0d9e8f',
    },
  ],
  [
    'Lambda invocation failed with status: 429. Lambda request id: dcb2d8d6-1111-2222-3333-444455556666',
    {
      failure: 'invocation',
      integration_status: 429,
      integration_request_id: 'dcb2d8d6-1111-2222-3333-444455556666',
    },
  ],
  [
    'Key throttle limit exceeded for RestApi uwe3g5jm54, Stage Prod, Resource k0w8mc, HttpMethod POST. Limit: 1.00 Burst: 1',
    {
      failure: 'throttled',
      failure_reason:
        'Key throttle limit exceeded for RestApi uwe3g5jm54, Stage Prod, Resource k0w8mc, HttpMethod POST. Limit: 1.00 Burst: 1',
    },
  ],
  ['Unauthorized request: 5f3a-1b2c', { authorizer_outcome: 'unauthorized' }],
  ['Starting authorizer: 62mgrc for request: 5f3a-1b2c', { authorizer_id: '62mgrc' }],
  ['Successfully completed authorizer execution', { authorizer_outcome: 'completed' }],
  [
    'Usage Plan check succeeded for API Key and API Stage h733q2j6gb/Prod',
    { usage_plan: 'allowed' },
  ],
  [
    'HTTP Method: POST, Resource Path: /verifyReceipt',
    { http_method: 'POST', resource_path: '/verifyReceipt' },
  ],
  [
    'X-ray Tracing ID : 1-5c755b5d-07b29b94e632d3da19d88789',
    { trace_id: '5c755b5d07b29b94e632d3da19d88789' },
  ],
  ['Extended Request Id: Vts2FFmArPEFh8g=', { extended_request_id: 'Vts2FFmArPEFh8g=' }],
  [
    'AWS Integration Endpoint RequestId : 57593f79-0000-4b1f-9a37-2b6b4c1e8d11',
    { integration_request_id: '57593f79-0000-4b1f-9a37-2b6b4c1e8d11' },
  ],
];

describe('executionFacts', () => {
  it.each(KNOWN)('reads "%s"', (message, facts) => {
    expect(executionFacts(message)).toEqual(facts);
  });

  it('has a case above for every entry of the table', () => {
    for (const entry of EXECUTION_MESSAGES) {
      if (entry.prefix.startsWith('Usage Plan check failed')) continue;
      expect(KNOWN.some(([message]) => message.startsWith(entry.prefix))).toBe(true);
    }
  });

  it('gives only fields EXECUTION_FIELDS names, so that a rule may name each', () => {
    const line = (message: string) => `(5f3a-1b2c) ${message}`;
    for (const [message] of KNOWN) {
      const event = executionEvent(line(message), { api_id: 'a1', stage: 'prod' }) ?? {};
      for (const field of Object.keys(event)) expect(EXECUTION_FIELDS).toContain(field);
    }
    // And every one it names is given by some message.
    const given = new Set(
      KNOWN.flatMap(([message]) =>
        Object.keys(executionEvent(line(message), { api_id: 'a1', stage: 'prod' }) ?? {}),
      ),
    );
    expect(EXECUTION_FIELDS.filter((field) => !given.has(field))).toEqual([]);
  });

  it('takes a Lambda request id only when the message ends with a whole one', () => {
    const lead = 'Lambda execution failed with status 200 due to customer function error: ';
    const id = '0f1e2d3c-4b5a-4968-8776-111122223333';
    // Cut at 1 KB after a message that holds the same words, and cut inside the id.
    const cutAfter = `boom. Lambda request id: ${id}. Retried for jane@example.com and`;
    const cutInside = `boom. Lambda request id: ${id.slice(0, 18)}`;
    for (const reason of [cutAfter, cutInside]) {
      expect(executionFacts(`${lead}${reason}`)).toEqual({
        failure: 'function',
        integration_status: 200,
        failure_reason: reason,
      });
    }
  });

  it('keeps any other message, or one that does not fit its entry, as message only', () => {
    for (const message of [
      'Method request body before transformations: {"status": 500}',
      'Method completed with status: 5000',
      'Received response. Integration latency: soon',
      'Starting execution for request: 5f3a',
      'X-ray Tracing ID : not-a-trace',
    ]) {
      expect(executionFacts(message)).toEqual({});
    }
  });

  it('takes time linear in the length of a message a client filled', () => {
    const long = (unit: string) => unit.repeat(Math.ceil((256 * 1024) / unit.length));
    const messages = [
      `Lambda execution failed with status 200 due to customer function error: ${long('. Lambda request id: x')}`,
      `Received response. ${long('Status: 200, ')}`,
      `HTTP Method: ${long(', Resource Path: ')}`,
      `Starting authorizer: ${long('a')} for request: b`,
      `Lambda invocation failed with status: 429. Lambda request id: ${long('a-')}`,
    ];
    const started = performance.now();
    for (const message of messages) executionFacts(message);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('an execution-log line', () => {
  it('is split into its request id and message', () => {
    expect(splitExecutionLine('(a1b2-c3) Method completed with status: 200')).toEqual({
      requestId: 'a1b2-c3',
      message: 'Method completed with status: 200',
    });
    for (const line of ['a1b2 (x) y', '() y', '(a b) y', '(a1b2)y', `(${'a'.repeat(129)}) y`]) {
      expect(splitExecutionLine(line)).toBeUndefined();
    }
  });

  it('becomes an event with its request id, API and stage, facts and message', () => {
    expect(
      executionEvent('(a1b2-c3) Method completed with status: 504', {
        api_id: 'h733q2j6gb',
        stage: 'Prod',
      }),
    ).toEqual({
      request_id: 'a1b2-c3',
      api_id: 'h733q2j6gb',
      stage: 'Prod',
      method_status: 504,
      message: 'Method completed with status: 504',
    });
  });

  it('takes its API and stage from the log group or the delivery source', () => {
    expect(executionLogGroup('API-Gateway-Execution-Logs_h733q2j6gb/Prod')).toEqual({
      api_id: 'h733q2j6gb',
      stage: 'Prod',
    });
    expect(executionLogGroup('/aws/lambda/x')).toBeUndefined();
    expect(executionLogGroup('API-Gateway-Execution-Logs_h733q2j6gb/')).toBeUndefined();
    expect(
      executionSource('arn:aws:apigateway:eu-west-1:111122223333:/restapis/h733q2j6gb/stages/prod'),
    ).toEqual({ api_id: 'h733q2j6gb', stage: 'prod' });
    expect(executionSource('arn:aws:apigateway:eu-west-1::/restapis/x')).toBeUndefined();
  });
});

describe('execution-log lines through the processor', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9-]{1,128}$/);
  const message = fc
    .string({ maxLength: 300 })
    .filter((text) => !/[\r\n]/.test(text) && /\S/.test(text));

  it('reads every line of the documented shape, bare or in a delivery record, never as unparsed', () => {
    fc.assert(
      fc.property(id, message, (requestId, text) => {
        const line = `(${requestId}) ${text}`;
        const bare = eventOf(line);
        expect(bare).toMatchObject({ log_format: 'execution', request_id: requestId });
        expect(bare.parse_error).toBeUndefined();
        const delivered = eventOf(
          JSON.stringify({
            resource_arn:
              'arn:aws:apigateway:us-east-1:123456789012:/restapis/a1b2c3d4e5/stages/prod',
            event_timestamp: 1795546045000,
            payload: line,
          }),
        );
        expect(delivered).toMatchObject({
          log_format: 'execution',
          request_id: requestId,
          api_id: 'a1b2c3d4e5',
          stage: 'prod',
          _timestamp: 1795546045000000,
        });
        expect(delivered.parse_error).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it("reads a delivery record's fields in any case, the first of each name, each with its own stage, its time in ms or s", () => {
    const arn = (stage: string) =>
      `arn:aws:apigateway:us-east-1:123456789012:/restapis/a1b2c3d4e5/stages/${stage}`;
    const line = (n: number) => `(c0ffee00-1111-4222-8333-44445555666${n}) step ${n}`;
    const records = [
      `{"Resource_Arn":${JSON.stringify(arn('prod'))},"EVENT_TIMESTAMP":"1795546045000","Payload":"${line(1)}"}`,
      `{"resource_arn":${JSON.stringify(arn('beta'))},"payload":"${line(2)}","PAYLOAD":"(x) not this"}`,
      `{"resource_arn":"arn:aws:s3:::bucket","payload":"${line(3)}"}`,
      `{"resource_arn":${JSON.stringify(arn('beta'))},"event_timestamp":1795546046,"payload":"${line(4)}"}`,
    ];
    const events = transform(records.map((text) => ({ text })));
    expect(events.map((event) => [event.message, event.stage, event._timestamp])).toEqual([
      ['step 1', 'prod', 1795546045000000],
      ['step 2', 'beta', SAMPLE_ARRIVAL_MS * 1000],
      ['step 3', undefined, SAMPLE_ARRIVAL_MS * 1000],
      ['step 4', 'beta', 1795546046000000],
    ]);
    expect(events.every((event) => event.log_format === 'execution')).toBe(true);
  });

  const request = 'c0ffee00-1111-4222-8333-444455556666';
  const steps = Array.from(
    { length: 20 },
    (_, i) => `(${request}) step ${String(i).padStart(2, '0')}`,
  );

  it('keeps the order lines were written in, when many share a millisecond', () => {
    // A stage's log group: ten lines a millisecond. A PLAIN delivery record: all at its arrival.
    const group = cloudWatchRecord(
      steps.map((message, i) => ({ message, timestampMs: 1795546045000 + Math.floor(i / 10) })),
      'DATA_MESSAGE',
      'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
    );
    const written = steps.map((_, i) => 1795546045000 + Math.floor(i / 10));
    for (const [events, writtenMs] of [
      [transform([group]), written],
      [transform([{ text: steps.join('\n') }]), steps.map(() => SAMPLE_ARRIVAL_MS)],
    ] as const) {
      expect(events.map((event) => event.message)).toEqual(steps.map((line) => line.slice(39)));
      const times = events.map((event) => event._timestamp as number);
      for (let i = 1; i < times.length; i++) {
        expect(times[i]).toBeGreaterThan(times[i - 1] as number);
      }
      // Each in the millisecond it was written: only the microseconds tell them apart.
      expect(times.map((time) => Math.floor(time / 1000))).toEqual(writtenMs);
    }
  });

  it('reads a PLAIN record of a message of several lines as one event', () => {
    const failure = [
      `(${request}) Lambda execution failed with status 200 due to customer function error: order 17: no price`,
      '    at price (/var/task/index.js:10:11)',
      '    at handler (/var/task/index.js:3:9)',
    ];
    const record = [...failure, `(${request}) Method completed with status: 502`].join('\n');
    const events = transform([{ text: record }]);
    expect(events.map((event) => [event.log_format, event.request_id, event.message])).toEqual([
      ['execution', request, failure.join('\n').slice(39)],
      ['execution', request, 'Method completed with status: 502'],
    ]);
    expect(events[0]).toMatchObject({ failure: 'function' });
  });

  it('joins a message of many lines in time linear in its length', () => {
    const first = `(${request}) Endpoint response body before transformations: {`;
    const lines = (count: number) => [first, ...Array(count).fill('  "k": "v",')].join('\n');
    const timed = (count: number) => {
      const started = performance.now();
      const [event] = transform([{ text: lines(count) }]);
      expect(String(event?.message).split('\n')).toHaveLength(count + 1);
      return performance.now() - started;
    };
    timed(1_000);
    // 64 KB and 640 KB of continuation lines: ten times the text, not a hundred times the time.
    const small = timed(6_000);
    const large = timed(60_000);
    expect(large).toBeLessThan(Math.max(small, 5) * 30);
  });

  it('does not join a line to an access-log line of a format that starts the same way', () => {
    const env = { LOG_FORMAT: '($context.requestId) $context.httpMethod $context.status' };
    const events = transform([{ text: `(${request}) GET 200\nnot a line of the format` }], env);
    expect(events.map((event) => event.log_format)).toEqual(['custom', 'raw']);
  });
});
