import { Ambiguous, compileFormat } from '../../../src/formats/compile';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../../../src/formats/known';

describe('compileFormat', () => {
  const keyValue = compileFormat(
    'kv',
    'RequestId: $context.requestId, Status: $context.status, Agent: $context.identity.userAgent, Error: $context.error.message',
  );

  it('maps each variable to its canonical field, integers typed', () => {
    expect(keyValue.parse('RequestId: r1, Status: 200, Agent: curl/8, Error: none')).toEqual({
      request_id: 'r1',
      status: 200,
      user_agent: 'curl/8',
      error_message: 'none',
    });
  });

  it('keeps commas, colons and brackets inside a user agent', () => {
    const agent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko): [x]';
    expect(keyValue.parse(`RequestId: r1, Status: 200, Agent: ${agent}, Error: -`)).toMatchObject({
      user_agent: agent,
    });
  });

  it('leaves out values API Gateway wrote as - or empty', () => {
    expect(keyValue.parse('RequestId: r1, Status: -, Agent: , Error: -')).toEqual({
      request_id: 'r1',
    });
  });

  it('tries the next separator when a value would not fit its field', () => {
    const csv = compileFormat(
      'csv',
      '$context.requestId,$context.identity.userAgent,$context.status',
    );
    expect(csv.parse('r1,agent, with, commas,404')).toEqual({
      request_id: 'r1',
      user_agent: 'agent, with, commas',
      status: 404,
    });
  });

  it('refuses a line another format wrote', () => {
    expect(
      keyValue.parse('203.0.113.1 - - [24/Nov/2026:18:47:25 +0000] "GET / HTTP/1.1" 200'),
    ).toBe(undefined);
    expect(keyValue.parse('RequestId: r1, Status: OK, Agent: a, Error: -')).toBeUndefined();
  });

  it('requires the line to end where the format ends', () => {
    const xml = compileFormat('xml', '<r id="$context.requestId"><s>$context.status</s></r>');
    expect(xml.parse('<r id="a"><s>200</s></r>')).toEqual({ request_id: 'a', status: 200 });
    expect(xml.parse('<r id="a"><s>200</s></r> trailing')).toBeUndefined();
  });

  it('undoes JSON escapes in quoted values of a JSON format', () => {
    const json = compileFormat(
      'j',
      '{"requestId":"$context.requestId","ua":"$context.identity.userAgent"}',
    );
    expect(json.parse('{"requestId":"r","ua":"a \\"b\\" \\\\ c"}')).toEqual({
      request_id: 'r',
      user_agent: 'a "b" \\ c',
    });
  });

  it('reads a JSON line whose value holds a quote API Gateway did not escape', () => {
    const json = compileFormat(
      'j',
      '{"requestId":"$context.requestId","ua":"$context.identity.userAgent"}',
    );
    expect(json.parse('{"requestId":"r","ua":"say "hi", ok"}')).toEqual({
      request_id: 'r',
      user_agent: 'say "hi", ok',
    });
  });

  it("reads an assumed role's session name with a comma in caller and user, where no comma ends them", () => {
    // STS lets a role session name hold `=,.@-`: caller and user are `AROA…:<session name>`.
    const line =
      '203.0.113.17 AROAEXAMPLEID:alice,ops AROAEXAMPLEID:alice,ops [24/Nov/2026:18:47:25 +0000]"GET /pets HTTP/1.1" 503 348 7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01 Xyz12AbCdEFg=';
    expect(compileFormat('clf', KNOWN_FORMATS.clf as string).parse(line)).toMatchObject({
      caller: 'AROAEXAMPLEID:alice,ops',
      user: 'AROAEXAMPLEID:alice,ops',
      status: 503,
    });
    // In CSV a comma ends every value: the same caller cannot be told from the next value.
    const csv = compileFormat('csv', KNOWN_FORMATS.csv as string);
    expect(
      csv.parse(
        '203.0.113.17,AROAEXAMPLEID:alice,ops,AROAEXAMPLEID:alice,ops,24/Nov/2026:18:47:25 +0000,GET,/pets,HTTP/1.1,503,348,r-1,x=',
      ),
    ).toBeUndefined();
  });

  it('gives up on a hostile line instead of backtracking without end', () => {
    const many = compileFormat(
      'many',
      '$context.a,$context.b,$context.c,$context.d,$context.e,$context.f,$context.status',
    );
    // Without the step budget this is ~5,000^6 placements: the test would never finish. Out of
    // budget, it cannot say the format does not read the line: the line is ambiguous.
    expect(many.parse(`${','.repeat(5_000)}x`)).toBeInstanceOf(Ambiguous);
    // Within the budget the same format still reads a real line.
    expect(many.parse('a,b,c,d,e,f,200')).toMatchObject({ status: 200 });
  });

  it('takes time linear in a hostile line: each step reads its value again, within a budget of characters', () => {
    const format = compileFormat('d', DEFAULT_FORMAT);
    const separator = ', SourceIP: ';
    // A request id and then copy after copy of the separator after it: every step is a placement
    // of the request id ending at a later copy, and read the whole id again.
    const hostile = (length: number) =>
      `RequestId: ${'a'.repeat(length / 2)}${separator.repeat(length / 2 / separator.length)}`;
    const timed = (line: string) => {
      const started = performance.now();
      format.parse(line);
      return performance.now() - started;
    };
    timed(hostile(10_000));
    // About 1 s when each step was charged only as a step; about 30 ms now.
    expect(timed(hostile(1024 * 1024))).toBeLessThan(250);
  });

  it("keeps a line it ran out of budget on as ambiguous: no other reading may take a client's text for fields", () => {
    const format = compileFormat(
      'custom',
      'RequestId: $context.requestId, UserAgent: $context.identity.userAgent, StatusCode: $context.status, Latency: $context.responseLatency',
    );
    const agent = `evil, SourceIP: 6.6.6.6${', StatusCode: '.repeat(50)}${', Latency: '.repeat(50)}`;
    const read = format.parse(`RequestId: r-1, UserAgent: ${agent}, StatusCode: 200, Latency: 5`);
    expect(read).toBeInstanceOf(Ambiguous);
    expect((read as Ambiguous).reason).toMatch(/too many ways to read it/);
    // No reading found within the budget: whether the line is this format's at all is unknown.
    expect((read as Ambiguous).agreed).toEqual({});
  });

  it('keeps the values before the free text of a line with more readings than it compares', () => {
    const format = compileFormat('default', DEFAULT_FORMAT);
    const copies = (n: number) => `x${', ErrorMessage: x'.repeat(n)}`;
    const line = (agent: string) =>
      `RequestId: r-1, SourceIP: 192.0.2.1, Method: GET, ResourcePath: /pets, StatusCode: 403, ResponseLength: 12, RequestTime: 07/Dec/2026:18:30:36 +0000, RequestTimeEpoch: 1796668236123, ResponseLatency: 5, IntegrationLatency: -, IntegrationStatus: -, TransferMode: -, TimeToFirstContent: -, TimeToAllHeaders: -, ErrorType: -, AuthorizerStatus: -, AuthorizerLatency: -, WafStatus: -, WafResponse: -, ApiKeyId: -, Protocol: HTTP/1.1, ApiId: a1b2c3d4e5, Stage: prod, DomainName: api.example.com, XrayTraceId: -, Path: /prod/pets, UserAgent: ${agent}, ErrorMessage: -, IntegrationError: -, AuthorizerError: -`;
    // Seven copies give more readings than the eight compared: a client's user agent took every
    // field of its request away (its status, its time) as no fewer copies did.
    for (const n of [6, 7, 40]) {
      const read = format.parse(line(copies(n))) as Ambiguous;
      expect(read).toBeInstanceOf(Ambiguous);
      expect(read.agreed).toMatchObject({
        request_id: 'r-1',
        status: 403,
        request_time_epoch: 1796668236123,
        response_latency: 5,
      });
      expect(read.agreed).not.toHaveProperty('user_agent');
    }
  });

  it('finds the other reading of two variables side by side, and of a `-` after a number', () => {
    const sideBySide = compileFormat(
      's',
      '$context.requestId $context.identity.userAgent$context.status',
    );
    // A user agent ending in digits, then the status: `curl/8.5.` and 0200, or `curl/8.5.0` and 200.
    expect(sideBySide.parse('r-1 curl/8.5.0200')).toBeInstanceOf(Ambiguous);
    // `-` then nothing, or nothing then `-`: both absent either way, one reading, not ambiguous.
    expect(sideBySide.parse('r-1 -')).toEqual({ request_id: 'r-1' });
    const dashed = compileFormat(
      'd',
      '$context.requestId $context.authorizer.latency-$context.integrationLatency',
    );
    // `-` is API Gateway's absent value: an absent latency, then 5; or nothing, then -5.
    expect(dashed.parse('r-1 --5')).toBeInstanceOf(Ambiguous);
    expect(dashed.parse('r-1 12-5')).toEqual({
      request_id: 'r-1',
      authorizer_latency: 12,
      integration_latency: 5,
    });
  });

  it('compiles every known format, each carrying the request id API Gateway requires', () => {
    for (const [name, source] of Object.entries(KNOWN_FORMATS)) {
      expect(source).toContain('$context.requestId');
      expect(compileFormat(name, source).name).toBe(name);
    }
  });

  it('treats a dot after a variable as text', () => {
    const dotted = compileFormat('d', 'id $context.requestId. status $context.status.');
    expect(dotted.parse('id r1. status 200.')).toEqual({ request_id: 'r1', status: 200 });
  });
});
