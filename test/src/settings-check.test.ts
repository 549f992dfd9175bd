/**
 * The deploy's check of the processor's settings (src/settings-check.ts): what the function's init
 * refuses, CloudFormation is told FAILED for, with the same message, at its pre-signed URL (here a
 * server on loopback that keeps what it is sent).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createHandler } from '../../src/lambda';
import { handler } from '../../src/settings-check';

interface Received {
  method?: string;
  headers: IncomingHttpHeaders;
  body: Record<string, string>;
}

let server: Server;
let received: Received[] = [];
/** What the URL answers: S3's pre-signed URLs answer 200. */
let status = 200;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push({ method: request.method, headers: request.headers, body: JSON.parse(body) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
});
afterAll(() => new Promise<void>((closed) => server.close(() => closed())));
beforeEach(() => {
  received = [];
  status = 200;
});

const quiet = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

function request(
  type: 'Create' | 'Update' | 'Delete',
  environment: Record<string, string> | undefined,
  before: Record<string, string> | undefined = environment,
): CloudFormationCustomResourceEvent {
  const { port } = server.address() as AddressInfo;
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:stack-SettingsCheckFunction',
    ResponseURL: `http://127.0.0.1:${port}/cloudformation-answer?X-Amz-Signature=abc`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/logs/0f1e2d3c',
    RequestId: 'c0ffee00-1111-2222-3333-444455556666',
    ResourceType: 'Custom::ProcessorSettings',
    LogicalResourceId: 'SettingsCheck',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:stack-SettingsCheckFunction',
      ServiceTimeout: '120',
      ...(environment ? { Environment: environment } : {}),
    },
  };
  if (type === 'Create') return { ...common, RequestType: 'Create' };
  if (type === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'SettingsCheck',
      OldResourceProperties: { ...common.ResourceProperties, Environment: before },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'SettingsCheck' };
}

/** The template's defaults, as CloudFormation passes them: every value a string, rules empty. */
const DEFAULTS = {
  LOG_FORMAT:
    'RequestId: $context.requestId, StatusCode: $context.status, ResponseLatency: $context.responseLatency, UserAgent: $context.identity.userAgent',
  ON_PARSE_ERROR: 'keep',
  LATENCY_BUCKETS_MS: '50,100,250,500,1000,2500,5000,10000',
  SOURCE_IP: 'keep',
  DROP_EVENTS: '',
  SAMPLE: '',
  REDACT: '',
  DROP_FIELDS: '',
};

describe('the deploy check of the processor settings', () => {
  it.each([
    ['SAMPLE', 'status_class=2xx:0.3', /^the processor would not start: SAMPLE: .*1\/n/],
    ['SAMPLE', 'status_class=2xx:0.15', /^the processor would not start: SAMPLE: /],
    ['LATENCY_BUCKETS_MS', '500,100', /^the processor would not start: LATENCY_BUCKETS_MS /],
    ['LATENCY_BUCKETS_MS', '100,100', /^the processor would not start: LATENCY_BUCKETS_MS /],
    ['DROP_FIELDS', 'nosuchfield', /^the processor would not start: DROP_FIELDS: /],
    ['DROP_EVENTS', 'nosuchfield=1', /^the processor would not start: DROP_EVENTS: /],
    ['DROP_EVENTS', 'user_agent~(', /^the processor would not start: DROP_EVENTS: /],
    ['REDACT', 'card~[', /^the processor would not start: REDACT: /],
  ])(
    'fails a deploy with %s=%s, with the message the function would stop with',
    async (name, value, reason) => {
      const environment = { ...DEFAULTS, [name]: value };
      const init = await createHandler({ ...environment, ...quiet }).then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(init).not.toBe('started');

      const answer = await handler(request('Create', environment));
      expect(answer).toEqual({
        Status: 'FAILED',
        Reason: `the processor would not start: ${init}`,
      });
      expect(received).toHaveLength(1);
      const [put] = received as [Received];
      expect(put.method).toBe('PUT');
      // cfn-response's empty content type: the URL's signature covers no other.
      expect(put.headers['content-type']).toBe('');
      expect(put.body).toEqual({
        Status: 'FAILED',
        Reason: expect.stringMatching(reason),
        PhysicalResourceId: 'SettingsCheck',
        StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/logs/0f1e2d3c',
        RequestId: 'c0ffee00-1111-2222-3333-444455556666',
        LogicalResourceId: 'SettingsCheck',
      });
    },
  );

  it('passes settings the function starts with, on create and on update, under one resource id', async () => {
    const environment = {
      ...DEFAULTS,
      SAMPLE: 'status_class=2xx:0.1',
      DROP_EVENTS: 'http_method=OPTIONS; user_agent~^ELB-HealthChecker',
      REDACT: 'email; card~\\b\\d{13,16}\\b',
      DROP_FIELDS: 'user_agent',
      SOURCE_IP: 'hash',
      SOURCE_IP_HASH_KEY_SECRET_ARN:
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:hash-key-AbCdEf',
    };
    expect(await handler(request('Create', environment))).toEqual({ Status: 'SUCCESS' });
    expect(await handler(request('Update', environment))).toEqual({ Status: 'SUCCESS' });
    expect(received.map(({ body }) => [body.Status, body.PhysicalResourceId])).toEqual([
      ['SUCCESS', 'SettingsCheck'],
      ['SUCCESS', 'SettingsCheck'],
    ]);
  });

  it('fails an update to settings the function would refuse, never one back from them (a rollback)', async () => {
    const good = { ...DEFAULTS, SAMPLE: 'status_class=2xx:0.1' };
    const bad = { ...DEFAULTS, SAMPLE: 'status_class=2xx:0.3' };
    expect(await handler(request('Update', bad, good))).toMatchObject({ Status: 'FAILED' });
    // The rollback after it: back to the settings before, which this code takes.
    expect(await handler(request('Update', good, bad))).toEqual({ Status: 'SUCCESS' });
    // Settings an earlier release took and this one refuses: a rollback to them must not fail,
    // or the stack is left in UPDATE_ROLLBACK_FAILED; an update between two such is no worse.
    const alsoBad = { ...DEFAULTS, DROP_FIELDS: 'nosuchfield' };
    expect(await handler(request('Update', alsoBad, bad))).toEqual({ Status: 'SUCCESS' });
  });

  it('never stops a stack from being deleted, whatever its settings', async () => {
    const answer = await handler(
      request('Delete', { ...DEFAULTS, SAMPLE: 'status_class=2xx:0.3' }),
    );
    expect(answer).toEqual({ Status: 'SUCCESS' });
    expect(received.map(({ body }) => body.Status)).toEqual(['SUCCESS']);
  });

  it('fails a resource without settings to check, and keeps a long reason within the answer limit', async () => {
    expect(await handler(request('Create', undefined))).toEqual({
      Status: 'FAILED',
      Reason: 'the resource has no Environment property to check',
    });
    const long = `resource_path=${'/ä|'.repeat(1_000)}/b:0.3`;
    const answer = await handler(request('Create', { ...DEFAULTS, SAMPLE: long }));
    expect(answer.Status).toBe('FAILED');
    // CloudFormation takes an answer of at most 4,096 bytes.
    const put = received.at(-1) as Received;
    expect(Buffer.byteLength(JSON.stringify(put.body))).toBeLessThan(4_096);
    expect(put.body.Reason).toMatch(/^the processor would not start: SAMPLE: .*…$/);
  });

  it('throws when the answer is not taken, so that Lambda sends it again', async () => {
    status = 403;
    await expect(handler(request('Create', DEFAULTS))).rejects.toThrow(
      "CloudFormation's URL answered 403 Forbidden",
    );
  });
});
