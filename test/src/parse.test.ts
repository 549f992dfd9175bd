import { canonicalName, MAX_EVENT_FIELDS } from '../../src/fields';
import { DEFAULT_FORMAT, formatName, KNOWN_FORMATS } from '../../src/formats/known';
import { knownVariables } from '../../src/formats/variables';
import { createLineReader } from '../../src/parse';

const read = createLineReader(DEFAULT_FORMAT);
/** Field names a line may give (API Gateway's variables), each once, without the request id. */
const KNOWN_NAMES = [...new Set(knownVariables().map(canonicalName))].filter(
  (name) => name !== 'request_id',
);

describe('formatName', () => {
  it('names a known format by its table name and anything else custom', () => {
    expect(formatName(KNOWN_FORMATS.clf as string)).toBe('clf');
    expect(formatName('$context.requestId $context.status')).toBe('custom');
  });
});

describe('createLineReader', () => {
  it('reads the configured format first', () => {
    const clfReader = createLineReader(KNOWN_FORMATS.clf as string);
    const result = clfReader(
      '203.0.113.17 - - [24/Nov/2026:18:47:25 +0000]"GET /pets HTTP/1.1" 200 348 r1 e1',
    );
    expect(result).toMatchObject({ ok: true, format: 'clf', fields: { status: 200 } });
  });

  it('falls back to the known formats when the stage format changed', () => {
    const result = read(
      '203.0.113.17,-,-,24/Nov/2026:18:47:25 +0000,GET,/pets,HTTP/1.1,200,348,r1,e1',
    );
    expect(result).toMatchObject({
      ok: true,
      format: 'csv',
      fields: { status: 200, request_id: 'r1' },
    });
  });

  it('reads any JSON object through the alias table', () => {
    expect(
      read('{"ip":"192.0.2.1","StatusCode":"201","latency":"35","routeKey":"GET /a"}'),
    ).toEqual({
      ok: true,
      format: 'json',
      fields: { source_ip: '192.0.2.1', status: 201, response_latency: 35, route_key: 'GET /a' },
    });
  });

  it('keeps numbers, booleans and nested values of a JSON line in one type per field', () => {
    const result = read(
      '{"requestId":1234,"status":200,"isCanaryRequest":true,"error":{"message":"m"},"note":null}',
    );
    expect(result).toEqual({
      ok: true,
      format: 'json',
      fields: {
        request_id: '1234',
        status: 200,
        is_canary_request: 'true',
        error_message: '{"message":"m"}',
      },
    });
  });

  it('never lets a key touch an object prototype', () => {
    const result = read('{"__proto__":{"polluted":1},"constructor":"c","status":"200"}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.fields)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.fields.message).toBe('{"__proto__":{"polluted":1},"constructor":"c"}');
    expect(Object.hasOwn(result.fields, 'constructor')).toBe(false);
  });

  it('keeps reserved names and repeated fields in message instead of overwriting', () => {
    const result = read(
      '{"_timestamp":"yesterday","status":"200","StatusCode":"500","message":"hi"}',
    );
    // Two statuses: which is true is unknown, so neither is taken and the line is kept whole.
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringContaining('status given more than once'),
    });
    expect(result.ok === false && result.agreed).toEqual({});
  });

  it('takes one value from two names for a field that agree, and from a key given twice with the same value', () => {
    // DataBiosphere/azul's production format logs both spellings of the integration latency.
    expect(
      read('{"requestId":"r-1","integration_latency":"116","integrationLatency":"116"}'),
    ).toEqual({
      ok: true,
      format: 'json',
      fields: { request_id: 'r-1', integration_latency: 116 },
    });
    expect(
      read('{"requestId":"r-1","status":"200","status":200,"userAgent":"a,b}","userAgent":"a,b}"}'),
    ).toEqual({
      ok: true,
      format: 'json',
      fields: { request_id: 'r-1', status: 200, user_agent: 'a,b}' },
    });
  });

  it('compares repeated keys in time linear in the line: 64 KB values, a key given 200 times', () => {
    const big = 'x'.repeat(64 * 1024);
    const same = `{"requestId":"r-1",${Array.from({ length: 200 }, () => `"userAgent":"${big}"`).join(',')}}`;
    expect(read(same)).toMatchObject({ ok: true, fields: { request_id: 'r-1', user_agent: big } });
    const differ = same.replace(/x"}$/, 'y"}');
    expect(read(differ)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('user_agent given'),
    });
  });

  it("reads in time linear in the line a client's key of 64 K capitals given twice", () => {
    // Seconds when snake_case backtracked over the run of capitals (quadratic in the key).
    const key = 'A'.repeat(64 * 1024);
    const started = performance.now();
    expect(read(`{"requestId":"r-1","${key}":"1","${key}":"1"}`)).toMatchObject({
      format: 'json',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('still refuses two values for one field, whether two names or one key given twice', () => {
    for (const line of [
      '{"requestId":"r-1","integration_latency":"116","integrationLatency":"117"}',
      '{"requestId":"r-1","integrationLatency":"116","integrationLatency":"117"}',
    ]) {
      expect(read(line)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/ given more than once; which value is true is unknown$/),
        agreed: { request_id: 'r-1' },
      });
    }
  });

  it('refuses a second value for a field whose first was not of its type: it may be another request', () => {
    // Two requests in one CloudWatch message: the first status runs into the second request.
    for (const line of [
      'RequestId: x-1, StatusCode: 200\nRequestId: y-2, StatusCode: 404',
      '{"requestId":"x-1","StatusCode":"200\\nRequestId: y-2","status":"404"}',
    ]) {
      expect(read(line)).toMatchObject({
        ok: false,
        reason: 'ambiguous line: status given more than once; which value is true is unknown',
        agreed: { request_id: 'x-1' },
      });
    }
    // Past the field cap nothing more is taken: two names that agree there are no question.
    const many = Object.fromEntries(
      KNOWN_NAMES.filter((name) => name !== 'source_ip').map((name) => [name, '1']),
    );
    const past = JSON.stringify({
      requestId: 'x-1',
      ...many,
      ip: '192.0.2.1',
      sourceIp: '192.0.2.1',
    });
    expect(read(past)).toMatchObject({ ok: true, format: 'json', fields: { request_id: 'x-1' } });
    // Neither of the type: nothing is taken, both stay in message.
    expect(read('RequestId: x-1, StatusCode: ok, StatusCode: fine')).toEqual({
      ok: true,
      format: 'labels',
      fields: { request_id: 'x-1', message: 'StatusCode: ok, StatusCode: fine' },
    });
  });

  it('reads by labels a line of the format with a value not of its type, its other values kept', () => {
    // No known format's search may stand in the way: CLF's spaces once ran its budget out on such
    // a line (which has no `[`, so no CLF reading), and the line was kept whole as ambiguous.
    const line =
      'RequestId: biglen, SourceIP: 203.0.113.17, Method: GET, ResourcePath: /pets, StatusCode: 200, ResponseLength: 99999999999999999999, RequestTime: 24/Nov/2026:18:47:25 +0000, RequestTimeEpoch: -, ResponseLatency: 5, IntegrationLatency: -, IntegrationStatus: -, TransferMode: -, TimeToFirstContent: -, TimeToAllHeaders: -, ErrorType: -, AuthorizerStatus: -, AuthorizerLatency: -, WafStatus: -, WafResponse: -, ApiKeyId: -, Protocol: HTTP/1.1, ApiId: a1b2c3d4e5, Stage: prod, DomainName: api.example.com, XrayTraceId: -, Path: /prod/pets, UserAgent: ua, ErrorMessage: -, IntegrationError: -, AuthorizerError: -';
    expect(read(line)).toMatchObject({
      ok: true,
      format: 'labels',
      fields: {
        request_id: 'biglen',
        status: 200,
        user_agent: 'ua',
        message: 'ResponseLength: 99999999999999999999',
      },
    });
  });

  it('keeps the line as written in message when JSON.parse would change one of its numbers', () => {
    const line = '{"requestId":"r-9","status":"200","bytes":12345678901234567890,"ratio":1.0}';
    const result = read(line);
    expect(result).toMatchObject({
      ok: true,
      fields: { request_id: 'r-9', status: 200, message: line },
    });
    expect(result.ok && result.fields).not.toHaveProperty('bytes');
    expect(result.ok && result.fields).not.toHaveProperty('ratio');
  });

  it('caps the fields a line can create and keeps the rest in message', () => {
    expect(KNOWN_NAMES.length).toBeGreaterThan(MAX_EVENT_FIELDS);
    const entries = KNOWN_NAMES.map((name) => [name, '1']);
    const result = read(JSON.stringify(Object.fromEntries(entries)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const keys = Object.keys(result.fields);
    expect(keys.length).toBeLessThan(MAX_EVENT_FIELDS);
    const kept = JSON.parse(result.fields.message as string) as Record<string, string>;
    expect(Object.keys(kept).length + keys.length - 1).toBe(KNOWN_NAMES.length);
    expect(kept[KNOWN_NAMES.at(-1) as string]).toBe('1');
  });

  it('reads generic Label: value lines, labels through the alias table', () => {
    expect(read('Method: GET, StatusCode: 302, Where: a, b: c')).toEqual({
      ok: true,
      format: 'labels',
      fields: { http_method: 'GET', status: 302, message: 'Where: a, b: c' },
    });
  });

  it('reads by labels a line of many commas, which no format with a comma after a token reads', () => {
    // Forty labels (39 commas), or a user agent of a hundred: CSV's first value, a request id,
    // ends at the first comma only, so the search for CSV's reading ends there too, not in
    // "ambiguous: too many ways to read it".
    const extra = Array.from({ length: 40 }, (_, i) => `Claim${i}: v${i}`).join(', ');
    const many = read(`RequestId: r1, Method: GET, StatusCode: 500, ${extra}`);
    expect(many).toMatchObject({
      ok: true,
      format: 'labels',
      fields: { request_id: 'r1', http_method: 'GET', status: 500 },
    });
    expect(read(`RequestId: r1, StatusCode: 500, UserAgent: ${'x,'.repeat(100)}`)).toMatchObject({
      ok: true,
      format: 'labels',
      fields: { request_id: 'r1', status: 500 },
    });
  });

  it("never reads another format's line by a LOG_FORMAT of spaces, whose values hold no commas", () => {
    const guide =
      'RequestId: 3d4e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e05, SourceIP: 203.0.113.9, Method: GET, ResourcePath: /pets, StatusCode: 200, ResponseLength: 12, RequestTime: 24/Nov/2026:18:47:26 +0000';
    for (const format of [
      '$context.requestId $context.identity.sourceIp $context.identity.userAgent',
      // Caller and user may hold a comma here, but never end with one.
      '$context.requestId $context.identity.caller $context.identity.userAgent',
    ]) {
      expect(createLineReader(format)(guide)).toMatchObject({
        ok: true,
        format: 'openobserve_guide',
        fields: { request_id: '3d4e5f60-7a8b-4c9d-8e0f-1a2b3c4d5e05', status: 200 },
      });
    }
  });

  it("names LOG_FORMAT's own labels and keys as it does, read by labels or as JSON", () => {
    const labels = createLineReader(
      'RequestId: $context.requestId, Agent: $context.identity.userAgent, Code: $context.status',
    );
    expect(labels('RequestId: a1, Agent: curl, Code: abc')).toEqual({
      ok: true,
      format: 'labels',
      fields: { request_id: 'a1', user_agent: 'curl', message: 'Code: abc' },
    });
    const json = createLineReader(
      '{"rid":"$context.requestId","ua":"$context.identity.userAgent"}',
    );
    // Keys in another order: the format does not read the line, the JSON reading does.
    expect(json('{"ua":"curl","rid":"r1","code":"x"}')).toEqual({
      ok: true,
      format: 'json',
      fields: { request_id: 'r1', user_agent: 'curl', message: '{"code":"x"}' },
    });
  });

  it("names a known format's labels as the format does, read by labels", () => {
    // StatusCode not a number: the default format does not read the line; the labels reading
    // gives each label the field of its variable, as the format would.
    expect(
      read(
        'RequestId: r-3, StatusCode: abc, WafResponse: WAF_BLOCK, ErrorType: THROTTLED, TransferMode: STREAMED, TimeToFirstContent: 12',
      ),
    ).toEqual({
      ok: true,
      format: 'labels',
      fields: {
        request_id: 'r-3',
        waf_response_code: 'WAF_BLOCK',
        error_response_type: 'THROTTLED',
        integration_response_transfer_mode: 'STREAMED',
        integration_time_to_first_content: 12,
        message: 'StatusCode: abc',
      },
    });
  });

  it('gives a field only a name of API Gateway, the aliases or LOG_FORMAT: a client cannot add columns', () => {
    // A value API Gateway did not escape can pose as keys (a user agent `x","evil1":"a`), and a
    // value can hold `, Label: value`: each new name would be a column, and past OpenObserve's
    // limit of columns a whole batch is lost (docs/contracts.md §5.7).
    const names = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      for (const line of [
        `{"requestId":"r-${i}","status":"200","userAgent":"x","evil${i}":"a"}`,
        `RequestId: r-${i}, StatusCode: 200, UserAgent: curl, Evil${i}: yes`,
      ]) {
        const result = read(line);
        if (!result.ok) throw new Error(result.reason);
        for (const name of Object.keys(result.fields)) names.add(name);
        expect(result.fields.message).toContain(`vil${i}`);
      }
    }
    expect([...names].sort()).toEqual(['message', 'request_id', 'status', 'user_agent']);
    // HTTP and WebSocket APIs' variables are names too (their logs come by CloudWatch Logs).
    expect(
      read(
        '{"requestId":"w-1","ip":"192.0.2.1","eventType":"MESSAGE","routeKey":"$default","status":"200","connectionId":"XyZ123="}',
      ),
    ).toEqual({
      ok: true,
      format: 'json',
      fields: {
        request_id: 'w-1',
        source_ip: '192.0.2.1',
        event_type: 'MESSAGE',
        route_key: '$default',
        status: 200,
        connection_id: 'XyZ123=',
      },
    });
    // A variable of LOG_FORMAT's own is a name, in the other stages' lines too.
    const tenant = createLineReader(
      'RequestId: $context.requestId, Tenant: $context.authorizer.tenant',
    );
    expect(tenant('{"requestId":"r-1","authorizer_tenant":"acme","tenantName":"x"}')).toEqual({
      ok: true,
      format: 'json',
      fields: { request_id: 'r-1', authorizer_tenant: 'acme', message: '{"tenantName":"x"}' },
    });
  });

  it('keeps a label value of the wrong type in message', () => {
    expect(read('RequestId: r9, StatusCode: unknown')).toEqual({
      ok: true,
      format: 'labels',
      fields: { request_id: 'r9', message: 'StatusCode: unknown' },
    });
  });

  it('does not take a single colon in prose for a labelled line', () => {
    expect(read('Error: connection reset by peer')).toEqual({
      ok: false,
      reason: 'line matches neither LOG_FORMAT nor a known access-log format',
    });
  });

  it("keeps a line's second message with what is left, never in place of the first", () => {
    expect(read('{"requestId":"r1","message":"first","Message":"second","status":"200"}')).toEqual({
      ok: true,
      format: 'json',
      fields: { request_id: 'r1', status: 200, message: 'first {"Message":"second"}' },
    });
    // A key no field is named by, given twice: JSON.parse keeps one value, the line keeps both.
    for (const line of [
      '{"requestId":"r-1","x":{"a":1},"x":{"a":2}}',
      '{"requestId":"r-1","message":"1","message":"2"}',
    ]) {
      expect(read(line)).toEqual({
        ok: true,
        format: 'json',
        fields: { request_id: 'r-1', message: line },
      });
    }
    expect(read('RequestId: r2, Message: first, message: second, StatusCode: 200')).toEqual({
      ok: true,
      format: 'labels',
      fields: { request_id: 'r2', status: 200, message: 'first message: second' },
    });
  });

  it('does not take a JSON line nested too deep to write again for JSON: the line is kept', () => {
    const deep = `{"requestId":"r","a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(read(deep)).toEqual({
      ok: false,
      reason: 'line matches neither LOG_FORMAT nor a known access-log format',
    });
  });

  it('does not read a JSON array or scalar as an event', () => {
    expect(read('[1,2,3]').ok).toBe(false);
    expect(read('{not json at all').ok).toBe(false);
  });
});
