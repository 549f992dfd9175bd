/**
 * Generated input for the processor's property and golden tests (fast-check): lines of every known
 * format and two custom ones, with values as API Gateway writes them and at the edges of their kind
 * (text JSON escapes, a format's own separators, absent values), JSON and labelled lines, lines
 * nothing reads, plain, odd-base64 and CloudWatch Logs records, and the settings they run under.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compileFormat } from '../../src/formats/compile';
import { KNOWN_FORMATS } from '../../src/formats/known';
import type { Env } from './batches';
import type { RecordInput } from './firehose-event';

/** Formats a stage may have beyond the known ones: a field named twice, odd literals, none. */
export const CUSTOM_FORMATS = {
  twice:
    '$context.requestId "$context.integrationLatency" $context.integration.latency $context.status $context.responseLatency',
  quoted:
    '"$context.requestId" $context.identity.sourceIp [$context.requestTime] $context.requestTimeEpoch $context.responseLatency/$context.integrationLatency $context.status ua="$context.identity.userAgent" $context.error.message',
};
export const FORMATS: Record<string, string> = { ...KNOWN_FORMATS, ...CUSTOM_FORMATS };

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
export function formatLine(format: string): fc.Arbitrary<string> {
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
export function recordOf(format: string): fc.Arbitrary<[RecordInput, number]> {
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

export const RULES: Env = {
  DROP_EVENTS: 'http_method=OPTIONS; status=404; user_agent~^curl',
  SAMPLE: 'status_class=2xx:0.5',
  REDACT: 'email;ipv4',
  DROP_FIELDS: 'caller,integration_latency',
};

export const settings = fc.record({
  SOURCE_IP: fc.constantFrom('keep', 'truncate', 'hash'),
  SOURCE_IP_HASH_KEY: fc.constant('0123456789abcdef-key'),
  ON_PARSE_ERROR: fc.constantFrom('keep', 'keep', 'keep', 'drop', 'fail'),
  LATENCY_BUCKETS_MS: fc.constantFrom('', '1,10,100'),
});
