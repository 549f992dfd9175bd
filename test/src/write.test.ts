import { encodeEvent } from '../../src/encode';
import { type EnrichSettings, latencyBuckets } from '../../src/enrich';
import { createEnricher } from '../../src/enricher';
import { compileFormat } from '../../src/formats/compile';
import { compileConfigured, PREVIOUS_DEFAULT_FORMATS } from '../../src/formats/known';
import { createLineReader } from '../../src/parse';
import { createEventWriter, needsEscape } from '../../src/write';

/** The lines below are written in the first recommended format. */
const DEFAULT_FORMAT = PREVIOUS_DEFAULT_FORMATS.default_v1;
const buckets = latencyBuckets([50, 100, 250, 500, 1000, 2500, 5000, 10000]);
const keep: EnrichSettings = { latencyBuckets: buckets, sourceIp: { mode: 'keep' } };
const ARRIVAL = Date.UTC(2026, 10, 24, 18, 47, 30);
const envelope = { log_group: '/aws/apigateway/"prod"', log_stream: 's', owner: '123456789012' };

const line = (values: Record<string, string> = {}) =>
  [
    `RequestId: ${values.requestId ?? 'r1'}`,
    `SourceIP: ${values.sourceIp ?? '203.0.113.17'}`,
    'Method: GET, ResourcePath: /pets',
    `StatusCode: ${values.status ?? '200'}`,
    'ResponseLength: 348, RequestTime: 24/Nov/2026:18:47:25 +0000',
    `RequestTimeEpoch: ${values.epoch ?? '1764010045123'}`,
    'ResponseLatency: 38, IntegrationLatency: 31, Protocol: HTTP/1.1, ApiId: a1, Stage: prod',
    `UserAgent: ${values.userAgent ?? 'curl/8.5.0'}`,
    `ErrorMessage: ${values.error ?? '-'}`,
  ].join(', ');

/** The event line the object path writes for a line of `format`. */
function objectPath(format: string, text: string, settings = keep, withEnvelope = false) {
  const read = createLineReader(format)(text);
  if (!read.ok) throw new Error(read.reason);
  const context = { fallbackTimeMs: ARRIVAL, envelope: withEnvelope ? envelope : undefined };
  return `${encodeEvent(createEnricher(settings)(read.fields, read.format, context), 1)}\n`;
}

function writer(format = DEFAULT_FORMAT, settings = keep) {
  const write = createEventWriter(compileConfigured(format), settings);
  if (!write) throw new Error('no writer for this format');
  return write;
}

describe('createEventWriter', () => {
  it('writes the line the object path writes, byte for byte', () => {
    const text = line();
    expect(writer()(text, ARRIVAL, undefined)).toBe(objectPath(DEFAULT_FORMAT, text));
    expect(writer()(text, ARRIVAL, envelope)).toBe(objectPath(DEFAULT_FORMAT, text, keep, true));
  });

  it('escapes only the values that need it, as JSON.stringify does', () => {
    for (const userAgent of ['say "hi"', 'a\\b', 'tab\there', 'bell\u0007', 'half \ud800', '😀']) {
      const text = line({ userAgent });
      const written = writer()(text, ARRIVAL, undefined) as string;
      expect(written).toBe(objectPath(DEFAULT_FORMAT, text));
      // Half of a UTF-16 pair becomes U+FFFD: OpenObserve refuses its escape (encode.ts).
      expect(JSON.parse(written).user_agent).toBe(userAgent.toWellFormed());
    }
  });

  it('writes integers as JSON numbers, a leading zero dropped', () => {
    const written = writer()(line({ status: '007' }), ARRIVAL, undefined) as string;
    expect(written).toContain('"status":7,');
    expect(JSON.parse(written)._timestamp).toBe(1764010045123000);
    const early = writer()(line({ epoch: '01764010045123' }), ARRIVAL, undefined) as string;
    expect(JSON.parse(early)._timestamp).toBe(1764010045123000);
  });

  it('leaves out absent values, and writes a line with none as JSON', () => {
    const format = '$context.requestId $context.status';
    const written = writer(format)('- -', ARRIVAL, undefined) as string;
    expect(written.startsWith('{\t"log_format"')).toBe(true);
    expect(written).toBe(objectPath(format, '- -'));
  });

  it('applies SOURCE_IP as enrichment does', () => {
    for (const sourceIp of [
      { mode: 'truncate' } as const,
      { mode: 'hash', key: 'k'.repeat(16) } as const,
    ]) {
      const settings = { ...keep, sourceIp };
      for (const ip of ['203.0.113.17', '2001:db8::1', 'unknown']) {
        const text = line({ sourceIp: ip });
        expect(writer(DEFAULT_FORMAT, settings)(text, ARRIVAL, undefined)).toBe(
          objectPath(DEFAULT_FORMAT, text, settings),
        );
      }
    }
  });

  it('leaves to the object path a line read another way, or not read', () => {
    const write = writer();
    // The user agent holds the format's own separator: more than one reading.
    expect(write(line({ userAgent: 'x, ErrorMessage: y' }), ARRIVAL, undefined)).toBeUndefined();
    expect(write(line({ status: 'OK' }), ARRIVAL, undefined)).toBeUndefined();
    expect(write('{"requestId":"r1"}', ARRIVAL, undefined)).toBeUndefined();
  });

  it('has no writer for a format that names a field twice', () => {
    const twice = compileFormat(
      't',
      '$context.requestId $context.integrationLatency $context.integration.latency',
    );
    expect(createEventWriter(twice, keep)).toBeUndefined();
  });
});

describe('needsEscape', () => {
  it('finds what JSON.stringify escapes', () => {
    const wrong: number[] = [];
    for (let code = 0; code < 0x10000; code++) {
      const text = String.fromCharCode(code);
      const escaped = JSON.stringify(text) !== `"${text}"`;
      // A surrogate is escaped alone; needsEscape leaves every surrogate to JSON.stringify.
      const surrogate = code >= 0xd800 && code <= 0xdfff;
      if (needsEscape(text) !== (escaped || surrogate)) wrong.push(code);
    }
    expect(wrong).toEqual([]);
  });
});
