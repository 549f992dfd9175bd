import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { readConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import type { Fields } from '../../src/fields';
import {
  applyRules,
  compileUserPatterns,
  keptBySample,
  parseDropEvents,
  parseDropFields,
  parseRedact,
  parseSample,
  REDACTED_FIELDS,
  REDACTIONS,
  type RuleSettings,
} from '../../src/rules';

const NONE: RuleSettings = { drop: [], sample: [], redact: [], dropFields: [] };
const event = (fields: Fields): Fields => ({ request_id: 'r-1', _timestamp: 1, ...fields });

describe('parseDropEvents', () => {
  const rules = parseDropEvents(
    'http_method=OPTIONS; resource_path=/health|/ping; user_agent~^ELB-HealthChecker',
  );

  beforeAll(() => compileUserPatterns({ ...NONE, drop: rules }));

  it('drops on an exact value, one of several values, or a regular expression', () => {
    expect(rules.map((rule) => rule.field)).toEqual(['http_method', 'resource_path', 'user_agent']);
    const dropped = (fields: Fields) => rules.some((rule) => rule.matches(fields));
    expect(dropped({ http_method: 'OPTIONS' })).toBe(true);
    expect(dropped({ resource_path: '/ping' })).toBe(true);
    expect(dropped({ user_agent: 'ELB-HealthChecker/2.0' })).toBe(true);
    expect(dropped({ http_method: 'GET', resource_path: '/healthz', user_agent: 'curl' })).toBe(
      false,
    );
    expect(dropped({})).toBe(false);
  });

  it('compares numbers as they are written', () => {
    const [rule] = parseDropEvents('status=404');
    expect(rule?.matches({ status: 404 })).toBe(true);
    expect(rule?.matches({ status: 4040 })).toBe(false);
  });

  it.each([
    ['status', 'is not field=value or field~regex'],
    ['Status=200', 'is not a field name'],
  ])('refuses %s at start-up, saying why', (text, message) => {
    expect(() => readConfig({ DROP_EVENTS: text })).toThrow(ConfigError);
    expect(() => readConfig({ DROP_EVENTS: text })).toThrow(`DROP_EVENTS: `);
    expect(() => readConfig({ DROP_EVENTS: text })).toThrow(message);
  });

  it.each([
    ['DROP_EVENTS', 'path~('],
    ['DROP_EVENTS', 'user_agent~(?=bot)'],
    ['SAMPLE', 'path~(a)\\1:0.5'],
    ['REDACT', 'token~(?<!x)y'],
  ])(
    'refuses at start-up a %s expression the linear-time engine cannot run: %s',
    async (name, text) => {
      const check = compileUserPatterns(readConfig({ [name]: text }).rules);
      await expect(check).rejects.toThrow(`${name}: /`);
      await expect(compileUserPatterns(readConfig({ [name]: text }).rules)).rejects.toThrow(
        'RE2 syntax',
      );
    },
  );

  it.each([
    ['^(a|a)+$', `${'a'.repeat(26)}!`],
    ['a*a*a*a*a*b', 'a'.repeat(65_536)],
    ['^(\\d|\\d\\d)+$', `${'1'.repeat(65_536)}x`],
    ['.*(bot|spider).*(crawl|fetch)', 'bot '.repeat(16_384)],
    ['(a+)+$', `${'a'.repeat(65_536)}!`],
  ])('runs %s in linear time on a hostile %#th value', async (source, value) => {
    const settings = readConfig({ DROP_EVENTS: `user_agent~${source}` }).rules;
    await compileUserPatterns(settings);
    const started = process.hrtime.bigint();
    expect(settings.drop[0]?.matches({ user_agent: value })).toBe(false);
    // A backtracking engine takes seconds to years on these; a linear one milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });

  it('matches with the expression once compiled', async () => {
    const settings = readConfig({ DROP_EVENTS: 'user_agent~^ELB-HealthChecker/\\d+' }).rules;
    await compileUserPatterns(settings);
    expect(settings.drop[0]?.matches({ user_agent: 'ELB-HealthChecker/2.0' })).toBe(true);
    expect(settings.drop[0]?.matches({ user_agent: 'curl/8' })).toBe(false);
  });

  it.each([
    ['http_method=OPTIONS,status=500', 'separate rules with ";", not ","'],
    ['status==500', 'has two operators; write status=500'],
    ['status~', 'has no expression'],
    ['status=', 'has no value'],
    [
      'method=OPTIONS',
      'no event has a field "method" (did you mean http_method or method_status?)',
    ],
    ['constructor~.', 'no event has a field "constructor"'],
    ['__proto__=x', 'no event has a field "__proto__"'],
  ])('refuses %s at start-up, saying what is wrong', (text, message) => {
    expect(() => readConfig({ DROP_EVENTS: text })).toThrow(`DROP_EVENTS: `);
    expect(() => readConfig({ DROP_EVENTS: text })).toThrow(message);
  });

  it('knows the fields of LOG_FORMAT, whatever their name', () => {
    const format = '$context.requestId $context.authorizer.tenant $context.status';
    expect(
      readConfig({ LOG_FORMAT: format, DROP_EVENTS: 'authorizer_tenant=test' }).rules.drop,
    ).toHaveLength(1);
  });

  it('never matches a name Object.prototype has', () => {
    const [rule] = parseDropEvents('user=x');
    expect(rule?.matches(JSON.parse('{"__proto__": {"user": "x"}}'))).toBe(false);
  });
});

describe('parseSample', () => {
  it('keeps 1 in n of the matching events, the same ones every time', () => {
    const [rule] = parseSample('status_class=2xx:0.1');
    expect(rule?.every).toBe(10);
    const ids = Array.from({ length: 20_000 }, (_, i) => `${i.toString(16)}-4c4e-9a1f`);
    const kept = ids.filter((id) => keptBySample({ request_id: id }, 10));
    expect(kept.length / ids.length).toBeGreaterThan(0.09);
    expect(kept.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => keptBySample({ request_id: id }, 10))).toEqual(kept);
  });

  it('takes the first rule that matches, and marks what it keeps with sample_rate', () => {
    const settings = {
      ...NONE,
      sample: parseSample('resource_path=/health:0.01; status_class=2xx:0.5'),
    };
    const verdicts = Array.from({ length: 200 }, (_, i) => {
      const fields = event({ request_id: `id-${i}`, status_class: '2xx', resource_path: '/pets' });
      return { verdict: applyRules(fields, settings), fields };
    });
    const kept = verdicts.filter(({ verdict }) => verdict.kept);
    expect(kept.length).toBeGreaterThan(60);
    expect(kept.every(({ verdict }) => verdict.kept && verdict.sampleRate === 2)).toBe(true);
    expect(verdicts.find(({ verdict }) => !verdict.kept)?.verdict).toEqual({
      kept: false,
      sampledOutBy: 'status_class=2xx:0.5',
    });
    expect(applyRules(event({ status_class: '5xx' }), settings)).toEqual({
      kept: true,
      sampleRate: 1,
      redactedBy: [],
    });
  });

  it.each(['status_class=2xx', 'status_class=2xx:0.3', 'status_class=2xx:0', 'status_class=2xx:2'])(
    'refuses %s at start-up: the rate must be 1/n',
    (text) => {
      expect(() => readConfig({ SAMPLE: text })).toThrow(
        `SAMPLE: "${text}" needs a rate after its last ":" that is 1/n for a whole n`,
      );
    },
  );
});

describe('parseRedact', () => {
  const redact = async (classes: string, value: string) => {
    const fields = event({ error_message: value });
    const settings = { ...NONE, redact: parseRedact(classes) };
    await compileUserPatterns(settings);
    applyRules(fields, settings);
    return fields.error_message;
  };

  it.each([
    ['email', 'denied for jane.doe+api@example.co.uk, retry', 'denied for [email], retry'],
    [
      'email',
      'contact josé@example.com or user@exämple.com or müller@example.de, «ünï@пример.рф»',
      'contact [email] or [email] or [email], «[email]»',
    ],
    // Words run into each other in Chinese and Japanese: their letters end an address.
    [
      'email',
      '用户jane@example.com不存在; メールをjane@example.comに送信; Пользователь:jane@example.comне найден',
      '用户[email]不存在; メールを[email]に送信; Пользователь:[email]не найден',
    ],
    [
      'jwt',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl expired',
      'token [jwt] expired',
    ],
    [
      'bearer',
      'Authorization: Bearer abc.DEF-123_~+/= rejected',
      'Authorization: [bearer] rejected',
    ],
    ['ipv4', 'from 203.0.113.17 and 10.0.0.1.', 'from [ipv4] and [ipv4].'],
    ['ipv6', 'from 2001:db8:85a3::8a2e:370:7334, at 12:30', 'from [ipv6], at 12:30'],
    [
      'ipv6',
      'host:2001:db8:85a3::8a2e:370:7334 client_ip:2001:db8::1 cafe12:2001:db8::1.',
      'host:[ipv6] client_ip:[ipv6] cafe12:[ipv6].',
    ],
    ['uuid', 'order 7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01 missing', 'order [uuid] missing'],
    ['card~\\b\\d{16}\\b', 'card 4111111111111111 declined', 'card [card] declined'],
  ])('%s: replaces every match with its class', async (classes, value, expected) => {
    expect(await redact(classes, value)).toBe(expected);
  });

  it('rewrites only the free-text fields, and the unparsed line kept as message', () => {
    const fields = event({
      path: '/users/a@b.io',
      user_agent: 'bot a@b.io',
      message: 'raw a@b.io',
      request_id: 'a@b.io',
      caller: 'a@b.io',
    });
    const verdict = applyRules(fields, { ...NONE, redact: parseRedact('email') });
    expect(verdict).toEqual({ kept: true, sampleRate: 1, redactedBy: ['email'] });
    expect(fields).toMatchObject({
      path: '/users/[email]',
      user_agent: 'bot [email]',
      message: 'raw [email]',
      request_id: 'a@b.io',
      caller: 'a@b.io',
    });
  });

  it("rewrites the error text of variables the recommended format leaves out, a client's request echoed in it too", () => {
    const texts = {
      error_message_string: '"Invalid email a@b.io"',
      error_validation_error_string: '[instance value ("a@b.io") not found in enum]',
      integration_error_message: 'a@b.io: timeout',
      waf_error: 'a@b.io',
      authorize_error: 'a@b.io',
      authenticate_error: 'a@b.io',
    };
    const fields = event(texts);
    applyRules(fields, { ...NONE, redact: parseRedact('email') });
    for (const [field, text] of Object.entries(texts)) {
      expect(fields[field]).toBe(text.replace('a@b.io', '[email]'));
    }
  });

  it('refuses an unknown class', () => {
    expect(() => readConfig({ REDACT: 'phone' })).toThrow(
      'REDACT: "phone" is neither a class (email, jwt, bearer, ipv4, uuid, ipv6) nor name~regex',
    );
    expect(() => readConfig({ REDACT: 'email,jwt' })).toThrow('separate classes with ";", not ","');
    // Names every object has are no class.
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(() => readConfig({ REDACT: name })).toThrow(`REDACT: "${name}" is neither a class`);
    }
    // A class of yours named so would count into what every object has.
    for (const name of ['constructor', '__proto__']) {
      expect(() => readConfig({ REDACT: `${name}~secret` })).toThrow(
        `REDACT: "${name}" is a name every JavaScript object has; choose another`,
      );
    }
  });

  it('refuses an expression that matches what REDACT puts in, which would grow values', async () => {
    await expect(compileUserPatterns(readConfig({ REDACT: 'dot~.' }).rules)).rejects.toThrow(
      'REDACT: /./ matches "[dot]"',
    );
    await expect(
      compileUserPatterns(readConfig({ REDACT: 'email; brackets~\\[' }).rules),
    ).rejects.toThrow('matches "[email]"');
  });

  it('puts nothing where an expression matches the empty string', async () => {
    const settings = readConfig({ REDACT: 'digits~\\d*' }).rules;
    await compileUserPatterns(settings);
    const fields = event({ error_message: 'ab12c' });
    applyRules(fields, settings);
    expect(fields.error_message).toBe('ab[digits]c');
  });

  // A 9 KB `aaaa…a@:` once took 80 ms in the email class: quadratic in the field's length.
  it.each(Object.keys(REDACTIONS))('%s takes linear time on hostile values of 256 KB', (name) => {
    const hostile = [
      `${'a'.repeat(262_144)}@:`,
      `@${'a.'.repeat(131_072)}`,
      'eyJ'.repeat(87_381),
      `eyJ.${'a'.repeat(262_144)}`,
      `${'1:'.repeat(131_072)}x`,
      `${':'.repeat(262_144)}g`,
      `bearer${' '.repeat(262_144)}!`,
      `${'1.'.repeat(131_072)}`,
      `${'0-'.repeat(131_072)}`,
      `${'é'.repeat(262_144)}@:`,
      `@${'é.'.repeat(131_072)}`,
    ];
    const settings = { ...NONE, redact: parseRedact(name) };
    const started = process.hrtime.bigint();
    for (const value of hostile) applyRules(event({ user_agent: value }), settings);
    // Quadratic scans take minutes on these; linear ones a few milliseconds each.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2_000);
  });
});

describe('parseDropFields', () => {
  it('removes the fields named', () => {
    const fields = event({ caller: 'AIDA…', user: 'me', status: 200 });
    applyRules(fields, { ...NONE, dropFields: parseDropFields('caller, user') });
    expect(fields).toEqual({ request_id: 'r-1', _timestamp: 1, status: 200 });
  });

  it('keeps the event time and the sample rate', () => {
    expect(() => readConfig({ DROP_FIELDS: 'user,_timestamp' })).toThrow(
      'DROP_FIELDS: _timestamp must stay',
    );
  });
});

describe('applyRules', () => {
  it('drops before it samples, so a dropped event never counts as sampled out', () => {
    const settings = {
      ...NONE,
      drop: parseDropEvents('resource_path=/health'),
      sample: parseSample('resource_path=/health:0.5'),
    };
    expect(applyRules(event({ resource_path: '/health' }), settings)).toEqual({
      kept: false,
      droppedBy: 'resource_path=/health',
    });
  });
});

describe('redaction (property)', () => {
  // An address is any run of hex digits, colons and dots Node's parser accepts, with or without
  // the punctuation before and after it, or after a label (`host:`, `cafe12:`).
  const detectors: Record<string, (value: string) => boolean> = {
    ipv6: (value) =>
      (value.match(/[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/g) ?? []).some((run) =>
        [
          run,
          run.replace(/[.:]+$/, ''),
          run.replace(/^[.:]+/, ''),
          run.replace(/^[.:]+|[.:]+$/g, ''),
        ]
          .concat(
            run
              .replace(/^[.:]+/, '')
              .replace(/[.:]+$/, '')
              .replace(/^[^:]*:/, ''),
          )
          .some((candidate) => isIPv6(candidate)),
      ),
  };
  const samples = fc.constantFrom(
    'jane@example.com',
    'josé@exämple.рф',
    'ü',
    '用户',
    'не',
    'a.b-c@mail.example.org',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
    'Bearer abc.def',
    'bearer x',
    '203.0.113.17',
    '255.255.255.255',
    '2001:db8::1',
    'host:2001:db8::1',
    '::ffff:192.0.2.1',
    'fe80::1%',
    '7c3a8a4e-2f6b-4c4e-9a1f-0d3c6e1b2a01',
  );
  const piece = fc.oneof(
    samples,
    fc.string({ maxLength: 8 }),
    fc.constantFrom('@', '.', ':', '-', ' ', '1', 'a'),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
  const classes = Object.keys(REDACTIONS);
  const patterns: Record<string, RegExp> = {
    email: (() => {
      const noSpaces =
        '\\p{scx=Han}\\p{scx=Hira}\\p{scx=Kana}\\p{scx=Thai}\\p{scx=Laoo}\\p{scx=Khmr}\\p{scx=Mymr}';
      const word = `(?:[A-Za-z0-9-]|(?![\\x00-\\x7f${noSpaces}])[\\p{L}\\p{M}\\p{N}])`;
      // Grouped: the look-ahead holds for each letter of a repetition (`üA` is not two letters
      // beyond ASCII, as an ungrouped `(?!…)[…]{2,}` would take it).
      const letter = `(?:(?![\\x00-\\x7f${noSpaces}])[\\p{L}\\p{M}])`;
      return new RegExp(
        `(?:[._%+]|${word})+@${word}+(?:\\.${word}+)*\\.(?:[A-Za-z]{2,}|${letter}{2,})`,
        'u',
      );
    })(),
    jwt: /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/,
    bearer: /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]+/,
    ipv4: /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d])/,
    uuid: /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/,
  };
  const found = (name: string, value: string) =>
    name in detectors
      ? (detectors[name] as (v: string) => boolean)(value)
      : (patterns[name] as RegExp).test(value);

  it('leaves no match of a class in any field, and never changes the fields or their types', () => {
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(REDACTED_FIELDS.map((field) => [field, text]))),
        fc.subarray(classes, { minLength: 1 }),
        fc.integer(),
        (free, chosen, status) => {
          const fields: Fields = { ...free, status, request_id: 'r', _timestamp: 1 };
          const before = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v]));
          applyRules(fields, { ...NONE, redact: parseRedact(chosen.join(';')) });
          expect(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v]))).toEqual(
            before,
          );
          for (const name of chosen) {
            for (const field of REDACTED_FIELDS) {
              expect({
                name,
                field,
                value: fields[field],
                found: found(name, String(fields[field])),
              }).toMatchObject({ found: false });
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
