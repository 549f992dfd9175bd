/**
 * The processor against the object path it had before src/write.ts (test/support/reference/): for lines of
 * every known format, of custom formats, JSON lines, labelled lines, lines nothing reads, plain and
 * CloudWatch Logs records, with and without rules, under each SOURCE_IP policy, every record has
 * the same result and every event is JSON-equal to the reference's. Every event line starts `{\t`
 * and parses (eventsOf).
 */
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import fc from 'fast-check';
import { readConfig } from '../../src/config';
import { addCounts, type Counts, emptyCounts } from '../../src/counts';
import { originOf } from '../../src/enrich';
import { createProcessor, type Processor } from '../../src/firehose';
import { compileFormat } from '../../src/formats/compile';
import { KNOWN_FORMATS } from '../../src/formats/known';
import { compileConfigured } from '../../src/parse';
import { createEventWriter } from '../../src/write';
import { type Env, eventsOf } from '../support/batches';
import { firehoseEvent, type RecordInput } from '../support/firehose-event';
import {
  createRecordTransform as createReferenceTransform,
  type RecordTransform,
} from '../support/reference/record';

/** Formats a stage may have beyond the known ones: a field named twice, odd literals, none. */
const CUSTOM_FORMATS = {
  twice:
    '$context.requestId "$context.integrationLatency" $context.integration.latency $context.status $context.responseLatency',
  quoted:
    '"$context.requestId" $context.identity.sourceIp [$context.requestTime] $context.requestTimeEpoch $context.responseLatency/$context.integrationLatency $context.status ua="$context.identity.userAgent" $context.error.message',
};
const FORMATS: Record<string, string> = { ...KNOWN_FORMATS, ...CUSTOM_FORMATS };

/** Text that JSON escapes, or that a format uses as its own separators. */
const AWKWARD = [
  '"',
  '\\',
  '\\"',
  '\\u0041',
  '\u0001',
  '\u001f',
  '\t',
  '\u007f',
  '\u2028',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  ',',
  ', ',
  ': ',
  ' ',
  '-',
  '{',
  '}',
  '[',
  ']',
  '<',
  '>',
  '</status>',
  ', ErrorMessage: ',
  ', StatusCode: 200',
  '","status":"200',
  'jane.doe@example.com',
  '10.1.2.3',
];

const pieces = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...AWKWARD) },
    { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  ),
  { maxLength: 4 },
);
/**
 * Values of one kind: mostly as API Gateway writes them, some at the edges of the kind, some with
 * awkward text around them, some absent.
 */
const valuesOf = (usual: fc.Arbitrary<string>, edges: readonly string[], awkward = 1) =>
  fc.oneof(
    { weight: 24, arbitrary: usual },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
    {
      weight: awkward,
      arbitrary: fc
        .tuple(usual, pieces, fc.nat(2))
        .map(([value, extra, at]) =>
          at === 0 ? extra.join('') + value : at === 1 ? value + extra.join('') : extra.join(''),
        ),
    },
    { weight: 1, arbitrary: fc.constantFrom('-', '') },
  );

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const requestTime = fc
  .tuple(
    fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.constantFrom('+0000', '+0000', '-0530', '+1400', '+0060'),
  )
  .map(([ms, offset]) => {
    const d = new Date(ms);
    return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${offset}`;
  });

const epochMs = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

/** Values by the kind of field. */
const VALUES = {
  integer: valuesOf(fc.nat(5000).map(String), [
    '099',
    '007',
    '0',
    '-0',
    '-12',
    '600',
    '1e3',
    '12a',
    ' 12',
    '999999999999999',
    '9999999999999999',
  ]),
  epoch: valuesOf(epochMs.map(String), [
    '0',
    '-1',
    '9007199254740',
    '9007199254741',
    '99999999999999',
  ]),
  time: valuesOf(requestTime, ['31/Feb/2026:00:00:00 +0000', '24/Nov/2026:24:00:00 +0000', 'now']),
  ip: valuesOf(fc.oneof({ weight: 4, arbitrary: fc.ipV4() }, fc.ipV6()), [
    '::ffff:203.0.113.9',
    '2001:db8::1',
    'unknown',
    '1.2.3',
  ]),
  token: valuesOf(fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._/{}=-]{1,16}$/)), [
    'x y',
    'a,b',
  ]),
  text: valuesOf(
    fc.oneof(
      fc.constantFrom(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)',
        'curl/8.5.0',
        'User jane.doe@example.com is not authorized',
        'Endpoint request timed out',
      ),
      fc.string({ maxLength: 30 }),
    ),
    ['"', '\\', '\u0000'],
    3,
  ),
};

function valueKind(path: string): keyof typeof VALUES {
  if (path === 'requestTimeEpoch') return 'epoch';
  if (path === 'requestTime') return 'time';
  if (path === 'identity.sourceIp') return 'ip';
  const field = compileFormat('x', `$context.${path}`);
  const kind = field.kinds[0] as string;
  return kind === 'integer' ? 'integer' : kind === 'token' ? 'token' : 'text';
}

/** A line as API Gateway writes `format`: each variable replaced by a value of its kind. */
function formatLine(format: string): fc.Arbitrary<string> {
  const compiled = compileFormat('x', format);
  const paths = [...new Set(compiled.variables)];
  return fc.tuple(...paths.map((path) => VALUES[valueKind(path)])).map((values) => {
    const byPath = new Map(paths.map((path, i) => [path, values[i] as string]));
    return format.replace(
      /\$context\.([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)/g,
      (_, path: string) => byPath.get(path) ?? '-',
    );
  });
}

const jsonKey = fc.oneof(
  fc.constantFrom(
    'requestId',
    'ip',
    'sourceIp',
    'status',
    'StatusCode',
    'latency',
    'responseLatency',
    'integrationLatency',
    'userAgent',
    'requestTime',
    'requestTimeEpoch',
    'message',
    '_timestamp',
    'log_format',
    'parse_error',
    'sample_rate',
    'routeKey',
    '__proto__',
    'a b',
  ),
  fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/),
);
const jsonValue = fc.oneof(
  VALUES.text,
  VALUES.integer,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
/** JSON lines: keys through the alias table, reserved names, repeated keys, >64 keys, 1.0. */
const jsonLine = fc.oneof(
  fc.dictionary(jsonKey, jsonValue, { maxKeys: 12 }).map((object) => JSON.stringify(object)),
  fc
    .tuple(fc.nat(80), fc.constantFrom('1.0', '9007199254740993', '"x"'))
    .map(
      ([keys, last]) =>
        `{${Array.from({ length: keys }, (_, i) => `"k${i}":"${i}"`).join(',')}${keys ? ',' : ''}"status":${last},"status":"201"}`,
    ),
);
const labelLine = fc
  .array(fc.tuple(jsonKey, VALUES.text), { minLength: 1, maxLength: 6 })
  .map((pairs) => pairs.map(([key, value]) => `${key}: ${value}`).join(', '));

/** Lines of each format, by format. */
const FORMAT_LINES = new Map(Object.values(FORMATS).map((format) => [format, formatLine(format)]));
const anyFormatLine = fc.oneof(...FORMAT_LINES.values());

function lineOf(format: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: FORMAT_LINES.get(format) as fc.Arbitrary<string> },
    { weight: 2, arbitrary: anyFormatLine },
    { weight: 1, arbitrary: jsonLine },
    { weight: 1, arbitrary: labelLine },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** A CloudWatch Logs record: its envelope gzip-compressed, odd timestamps and names included. */
function cloudWatchRecord(messages: fc.Arbitrary<string[]>): fc.Arbitrary<RecordInput> {
  return fc
    .tuple(
      messages,
      fc.array(
        fc.oneof(
          fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
          fc.constantFrom(-1, 1e300, 9007199254741),
        ),
        { minLength: 20, maxLength: 20 },
      ),
      fc.constantFrom('/aws/apigateway/prod', 'group "quoted" \\ \u0001'),
    )
    .map(([lines, times, logGroup]) => {
      const logEvents = lines.map((message, i) => ({ id: `${i}`, timestamp: times[i], message }));
      const envelope = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup, logEvents };
      return { bytes: gzipSync(JSON.stringify(envelope)) };
    });
}

/**
 * Lines as base64 a producer might get wrong: whitespace inside, base64url's `-` and `_`, padding
 * left off, or text that is not base64 at all; or as Latin-1 bytes, which are not UTF-8.
 */
function oddBase64(lines: fc.Arbitrary<string[]>): fc.Arbitrary<[RecordInput, number]> {
  return fc
    .tuple(lines, fc.nat(), fc.constantFrom('space', 'url', 'unpadded', 'latin1', 'text'))
    .map(([texts, at, odd]): [RecordInput, number] => {
      const text = texts.map((line) => line.replace(/[\r\n]/g, ' ')).join('\n');
      const base64 = Buffer.from(text, odd === 'latin1' ? 'latin1' : 'utf8').toString('base64');
      const cut = at % (base64.length + 1);
      const data = {
        space: `${base64.slice(0, cut)}\n${base64.slice(cut)}`,
        url: base64.replace(/\+/g, '-').replace(/\//g, '_'),
        unpadded: base64.replace(/=+$/, ''),
        latin1: base64,
        text,
      }[odd];
      return [{ data }, texts.length];
    });
}

/** A record of lines, and how many lines it holds. */
function recordOf(format: string): fc.Arbitrary<[RecordInput, number]> {
  const lines = fc.array(lineOf(format), { minLength: 1, maxLength: 12 });
  return fc.oneof(
    // Plain records cannot hold a newline inside a line: it would start another line.
    {
      weight: 4,
      arbitrary: fc
        .tuple(lines, fc.integer({ min: 0, max: Date.UTC(2030, 0, 1) }))
        .map(([texts, arrivalMs]): [RecordInput, number] => [
          { text: texts.map((text) => text.replace(/[\r\n]/g, ' ')).join('\n'), arrivalMs },
          texts.length,
        ]),
    },
    { weight: 1, arbitrary: oddBase64(lines) },
    {
      weight: 1,
      arbitrary: lines.chain((texts) =>
        cloudWatchRecord(fc.constant(texts)).map((input): [RecordInput, number] => [
          input,
          texts.length,
        ]),
      ),
    },
  );
}

const RULES: Env = {
  DROP_EVENTS: 'http_method=OPTIONS; status=404; user_agent~^curl',
  SAMPLE: 'status_class=2xx:0.5',
  REDACT: 'email;ipv4',
  DROP_FIELDS: 'caller,integration_latency',
};

const settings = fc.record({
  SOURCE_IP: fc.constantFrom('keep', 'truncate', 'hash'),
  SOURCE_IP_HASH_KEY: fc.constant('0123456789abcdef-key'),
  ON_PARSE_ERROR: fc.constantFrom('keep', 'keep', 'keep', 'drop', 'fail'),
  LATENCY_BUCKETS_MS: fc.constantFrom('', '1,10,100'),
});

/** The counts a summary and the reference's records agree on: all but the bytes written. */
function countsOf(counts: Counts): Omit<Counts, 'bytesOut'> {
  const { bytesOut: _bytesOut, ...rest } = counts;
  return rest;
}

/** Lines generated, over every format, with and without rules. */
let lines = 0;

afterAll(() => {
  expect(lines).toBeGreaterThanOrEqual(100_000);
});

/** Bytes a base64 text decodes to, as response.ts counts bytesIn. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** A processor and the reference's record transform for each configuration, made once. */
const made = new Map<string, { process: Processor; reference: RecordTransform }>();

function processors(env: Env) {
  const key = JSON.stringify(env);
  let both = made.get(key);
  if (!both) {
    const config = readConfig(env);
    both = { process: createProcessor(config), reference: createReferenceTransform(config) };
    made.set(key, both);
  }
  return both;
}

/** The processor's batch and the reference's, record by record. */
function expectSameAsReference(event: FirehoseTransformationEvent, env: Env): void {
  const { process, reference: transform } = processors(env);
  const actual = process(event);
  const expected = emptyCounts();
  expected.recordsIn = event.records.length;
  const origin = originOf(event.deliveryStreamArn);
  event.records.forEach((record, i) => {
    const want = transform(record, undefined, origin);
    addCounts(expected, want.counts);
    expected.bytesIn += base64Bytes(record.data);
    const got = actual.response.records[i];
    expect(got?.result).toBe(want.result.result);
    if (want.result.result !== 'Ok') {
      expect(got?.data).toBe(want.result.data);
      return;
    }
    // Every line starts {\t and parses (eventsOf); the same text is the same events.
    const gotEvents = eventsOf(got?.data ?? '');
    if (got?.data === want.result.data) return;
    const wantEvents = eventsOf(want.result.data);
    // toEqual only to show a difference: isDeepStrictEqual is the fast check.
    if (!isDeepStrictEqual(gotEvents, wantEvents)) expect(gotEvents).toEqual(wantEvents);
  });
  expect(countsOf(actual.summary)).toEqual(countsOf(expected));
}

const RUNS = 250;

describe.each(Object.entries(FORMATS))(
  'LOG_FORMAT %s: events as the object path wrote them',
  (_name, format) => {
    it.each([
      ['without rules', {}],
      ['with rules', RULES],
    ])('%s', (_rules, rules) => {
      fc.assert(
        fc.property(
          fc.array(recordOf(format), { minLength: 1, maxLength: 8 }),
          settings,
          (records, env) => {
            for (const [, count] of records) lines += count;
            const event = firehoseEvent(records.map(([input]) => input));
            expectSameAsReference(event, { ...env, ...rules, LOG_FORMAT: format });
          },
        ),
        { numRuns: RUNS },
      );
    });
  },
);

describe('the written path', () => {
  it('writes a good share of the lines of the configured format itself', () => {
    for (const format of Object.values(KNOWN_FORMATS)) {
      const config = readConfig({ LOG_FORMAT: format });
      const write = createEventWriter(compileConfigured(format), config);
      const sample = fc.sample(formatLine(format), 300);
      const written = sample.filter((line) => write?.(line, 0, undefined) !== undefined);
      // Each generated value is now and then one its field refuses, so the more variables a
      // format has, the fewer of its lines read one way: the recommended format has 27.
      const variables = compileFormat('x', format).variables.length;
      expect(written.length).toBeGreaterThan(sample.length / (variables > 20 ? 5 : 3));
    }
  });
});
