import fc from 'fast-check';
import { encodeEvent } from '../../src/encode';
import {
  ENRICHMENTS,
  type EnrichSettings,
  hashIp,
  type LineContext,
  latencyBucket,
  latencyBuckets,
  statusClass,
  truncateIp,
} from '../../src/enrich';
import { createEnricher, createTextEnricher } from '../../src/enricher';
import type { Fields } from '../../src/fields';

const buckets = latencyBuckets([50, 100, 250, 500, 1000, 2500, 5000, 10000]);
const settings = { latencyBuckets: buckets, sourceIp: { mode: 'keep' } as const };
const arrival = { fallbackTimeMs: Date.UTC(2026, 10, 24, 18, 47, 30) };

/** One line through the enricher the processor makes for these settings. */
const enrichEvent = (fields: Fields, format: string, context: LineContext, under: EnrichSettings) =>
  createEnricher(under)(fields, format, context);

describe('latencyBucket', () => {
  it('puts a latency in the bucket whose bounds hold it', () => {
    expect(latencyBucket(0, buckets)).toBe('01: <50ms');
    expect(latencyBucket(49, buckets)).toBe('01: <50ms');
    expect(latencyBucket(50, buckets)).toBe('02: 50-99ms');
    expect(latencyBucket(9999, buckets)).toBe('08: 5000-9999ms');
    expect(latencyBucket(10000, buckets)).toBe('09: >=10000ms');
  });
  it('has labels that sort in bucket order as strings', () => {
    const labels = [...buckets.labels];
    expect([...labels].sort()).toEqual(labels);
    const many = latencyBuckets(Array.from({ length: 20 }, (_, i) => (i + 1) * 10)).labels;
    expect([...many].sort()).toEqual(many);
  });
});

describe('statusClass', () => {
  it('names the class of an HTTP status', () => {
    expect(statusClass(101)).toBe('1xx');
    expect(statusClass(200)).toBe('2xx');
    expect(statusClass(599)).toBe('5xx');
  });
  it('gives no class to what is not an HTTP status', () => {
    expect(statusClass(0)).toBeUndefined();
    expect(statusClass(600)).toBeUndefined();
  });
});

describe('truncateIp', () => {
  it('keeps the /24 of an IPv4 address', () => {
    expect(truncateIp('203.0.113.17')).toBe('203.0.113.0');
  });
  it('keeps the /48 of an IPv6 address, compressed or not', () => {
    expect(truncateIp('2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1::');
    expect(truncateIp('::1')).toBe('0:0:0::');
  });
  it('truncates the IPv4 part of a mapped address', () => {
    expect(truncateIp('::ffff:198.51.100.4')).toBe('::ffff:198.51.100.0');
  });
  it('gives nothing for text that is not an address', () => {
    expect(truncateIp('not-an-ip')).toBeUndefined();
  });
});

describe('hashIp', () => {
  it('is stable for one key and differs between keys', () => {
    const a = hashIp('203.0.113.17', 'k'.repeat(16));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(hashIp('203.0.113.17', 'k'.repeat(16))).toBe(a);
    expect(hashIp('203.0.113.17', 'j'.repeat(16))).not.toBe(a);
    expect(hashIp('203.0.113.18', 'k'.repeat(16))).not.toBe(a);
  });
});

describe('createEnricher', () => {
  it('takes _timestamp in microseconds from request_time_epoch first', () => {
    const event = enrichEvent(
      { request_time_epoch: 1795546045123, request_time: '24/Nov/2026:18:47:20 +0000' },
      'default',
      arrival,
      settings,
    );
    expect(event._timestamp).toBe(1795546045123000);
    expect(event.request_time).toBe('2026-11-24T18:47:20.000Z');
  });
  it('falls back to request_time, then to the record arrival time', () => {
    expect(
      enrichEvent({ request_time: '24/Nov/2026:18:47:20 +0000' }, 'x', arrival, settings)
        ._timestamp,
    ).toBe(Date.UTC(2026, 10, 24, 18, 47, 20) * 1000);
    expect(enrichEvent({ status: 200 }, 'x', arrival, settings)._timestamp).toBe(
      arrival.fallbackTimeMs * 1000,
    );
  });
  it('leaves a request_time it cannot read as it was', () => {
    const event = enrichEvent({ request_time: 'yesterday' }, 'x', arrival, settings);
    expect(event.request_time).toBe('yesterday');
    expect(event._timestamp).toBe(arrival.fallbackTimeMs * 1000);
  });
  it('adds status class, latency bucket and the overhead API Gateway added', () => {
    expect(
      enrichEvent(
        { status: 502, response_latency: 300, integration_latency: 280 },
        'default',
        arrival,
        settings,
      ),
    ).toMatchObject({
      status_class: '5xx',
      latency_bucket: '04: 250-499ms',
      integration_overhead_ms: 20,
      log_format: 'default',
    });
  });
  it('adds no latency fields when the format carries no latency', () => {
    const event = enrichEvent({ status: 200 }, 'openobserve_guide', arrival, settings);
    expect(event).not.toHaveProperty('latency_bucket');
    expect(event).not.toHaveProperty('integration_overhead_ms');
  });
  it('carries the CloudWatch Logs envelope', () => {
    const envelope = { log_group: '/aws/x', log_stream: 's', owner: '123456789012' };
    expect(enrichEvent({}, 'json', { ...arrival, envelope }, settings)).toMatchObject(envelope);
  });
  it('truncates or hashes source_ip by policy, and removes what it cannot truncate', () => {
    const truncate = { ...settings, sourceIp: { mode: 'truncate' } as const };
    expect(enrichEvent({ source_ip: '203.0.113.17' }, 'x', arrival, truncate).source_ip).toBe(
      '203.0.113.0',
    );
    expect(enrichEvent({ source_ip: 'garbage' }, 'x', arrival, truncate)).not.toHaveProperty(
      'source_ip',
    );
    const hash = { ...settings, sourceIp: { mode: 'hash', key: 'k'.repeat(16) } as const };
    expect(enrichEvent({ source_ip: '203.0.113.17' }, 'x', arrival, hash).source_ip).toBe(
      hashIp('203.0.113.17', 'k'.repeat(16)),
    );
  });
});

/**
 * One example per entry of ENRICHMENTS: the line's fields, where it came from, and the value the
 * entry gives. A new entry without one here fails the first test below.
 */
const EXAMPLES: Record<
  string,
  { fields: Record<string, string | number>; line?: object; value: string | number }
> = {
  trace_id: {
    fields: { xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' },
    value: '5759e988bd862e3fe1be46a994272793',
  },
  status_class: { fields: { status: 429 }, value: '4xx' },
  latency_bucket: { fields: { response_latency: 87 }, value: '02: 50-99ms' },
  integration_overhead_ms: {
    fields: { response_latency: 87, integration_latency: 61 },
    value: 26,
  },
  log_format: { fields: {}, value: 'default' },
  log_group: {
    fields: {},
    line: { envelope: { log_group: '/aws/x', log_stream: 's', owner: 'o' } },
    value: '/aws/x',
  },
  log_stream: {
    fields: {},
    line: { envelope: { log_group: '/aws/x', log_stream: 's', owner: 'o' } },
    value: 's',
  },
  owner: {
    fields: {},
    line: { envelope: { log_group: '/aws/x', log_stream: 's', owner: 'o' } },
    value: 'o',
  },
  aws_account_id: {
    fields: {},
    line: { origin: { aws_account_id: '123456789012', aws_region: 'eu-west-1' } },
    value: '123456789012',
  },
  aws_region: {
    fields: {},
    line: { origin: { aws_account_id: '123456789012', aws_region: 'eu-west-1' } },
    value: 'eu-west-1',
  },
  _timestamp: { fields: { request_time: '24/Nov/2026:18:47:20 +0000' }, value: 1795546040000000 },
};

describe('ENRICHMENTS', () => {
  it('has an example for every entry, and no example without an entry', () => {
    expect(ENRICHMENTS.map(({ field }) => field).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(ENRICHMENTS.map((entry) => [entry.field, entry] as const))(
    '%s: its example, in the type its kind says',
    (field, entry) => {
      const example = EXAMPLES[field];
      if (!example) return;
      const event = enrichEvent(
        { ...example.fields },
        'default',
        { ...arrival, ...example.line },
        settings,
      );
      expect(event[field]).toBe(example.value);
      expect(typeof example.value).toBe(entry.kind === 'integer' ? 'number' : 'string');
      // A label is written as it is: it must never hold what JSON escapes.
      if (entry.kind === 'label') expect(JSON.stringify(example.value)).toBe(`"${example.value}"`);
    },
  );
});

describe('createTextEnricher', () => {
  const envelopes = [undefined, { log_group: '/aws/x', log_stream: 's\u00e9 "q"', owner: 'o' }];
  const origins = [undefined, { aws_account_id: '123456789012', aws_region: 'eu-west-1' }];
  const line = fc.record(
    {
      xray_trace_id: fc.constantFrom('1-5759e988-bd862e3fe1be46a994272793', 'x'),
      status: fc.integer({ min: 0, max: 700 }),
      response_latency: fc.integer({ min: 0, max: 40_000 }),
      integration_latency: fc.integer({ min: 0, max: 40_000 }),
      request_time: fc.constantFrom('24/Nov/2026:18:47:20 +0000', 'garbage'),
      request_time_epoch: fc.oneof(fc.integer({ min: -1, max: 4e12 }), fc.constant('1')),
      source_ip: fc.constantFrom('203.0.113.17', 'garbage'),
      message: fc.string({ unit: 'binary' }),
      trace_id: fc.constant('from the line'),
    },
    { requiredKeys: [] },
  );

  it("writes the bytes the Enricher's object gives, whatever the fields and context", () => {
    const truncate = { ...settings, sourceIp: { mode: 'truncate' } as const };
    for (const under of [settings, truncate]) {
      const enrich = createEnricher(under);
      const enrichText = createTextEnricher(under);
      fc.assert(
        fc.property(
          line,
          fc.constantFrom('default', 'execution', 'raw'),
          fc.constantFrom(...envelopes),
          fc.constantFrom(...origins),
          fc.integer({ min: 0, max: 4e12 }),
          (fields, format, envelope, origin, fallbackTimeMs) => {
            const context = { fallbackTimeMs, envelope, origin };
            const asObject = encodeEvent(enrich({ ...fields }, format, context), 1);
            const own = { ...fields } as Fields;
            const tail = enrichText(own, format, context);
            expect(encodeEvent(own, 1, tail)).toBe(asObject);
          },
        ),
      );
    }
  });

  it('writes what comes from the context again when the format, envelope or origin changes', () => {
    const enrichText = createTextEnricher(settings);
    const [, envelope] = envelopes;
    const [, origin] = origins;
    const at = { fallbackTimeMs: 1_000 };
    expect(enrichText({}, 'default', at)).toBe(',"log_format":"default","_timestamp":1000000');
    expect(enrichText({}, 'execution', { ...at, envelope })).toBe(
      ',"log_format":"execution","log_group":"/aws/x","log_stream":"s\u00e9 \\"q\\"","owner":"o","_timestamp":1000000',
    );
    expect(enrichText({}, 'execution', { ...at, origin })).toBe(
      ',"log_format":"execution","aws_account_id":"123456789012","aws_region":"eu-west-1","_timestamp":1000000',
    );
  });
});
