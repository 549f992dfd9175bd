import { aliasName, canonicalName, isLabel, snakeCase, toInteger } from '../../src/fields';

describe('canonicalName', () => {
  it.each([
    ['$context.identity.sourceIp', 'source_ip'],
    ['$context.httpMethod', 'http_method'],
    ['$context.integration.latency', 'integration_latency'],
    ['$context.integrationLatency', 'integration_latency'],
    ['$context.error.message', 'error_message'],
    ['$context.identity.userAgent', 'user_agent'],
    ['$context.requestTimeEpoch', 'request_time_epoch'],
    ['$context.identity.clientCert.subjectDN', 'client_cert_subject_dn'],
    ['$context.authorizer.claims.sub', 'authorizer_claims_sub'],
  ])('names %s as %s', (variable, field) => {
    expect(canonicalName(variable)).toBe(field);
  });
});

describe('snakeCase', () => {
  it('gives names in OpenObserve normal form, nothing outside [a-z0-9_]', () => {
    expect(snakeCase('X-Amzn-Trace Id')).toBe('x_amzn_trace_id');
    expect(snakeCase('routeKey')).toBe('route_key');
  });

  it('ends a run of capitals before the word that follows it, in time linear in the name', () => {
    expect(snakeCase('subjectDNName')).toBe('subject_dn_name');
    expect(snakeCase('HTTPStatusCode')).toBe('http_status_code');
    expect(snakeCase('AAbCCd')).toBe('a_ab_c_cd');
    // 64 K capitals and nothing after them: a backtracking rule took seconds (quadratic).
    const started = performance.now();
    expect(snakeCase('A'.repeat(64 * 1024))).toBe('a'.repeat(64 * 1024));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('aliasName', () => {
  it.each([
    ['ip', 'source_ip'],
    ['SourceIP', 'source_ip'],
    ['StatusCode', 'status'],
    ['status', 'status'],
    ['Method', 'http_method'],
    ['httpMethod', 'http_method'],
    ['RequestId', 'request_id'],
    ['responseLength', 'response_length'],
    ['routeKey', 'route_key'],
  ])('reads %s as %s', (key, field) => {
    expect(aliasName(key)).toBe(field);
  });
});

describe('isLabel', () => {
  it('accepts names of letters, digits, _ . - up to 64 characters', () => {
    expect(isLabel('Status')).toBe(true);
    expect(isLabel('x-amzn.trace_id2')).toBe(true);
    expect(isLabel(`a${'b'.repeat(63)}`)).toBe(true);
  });
  it('refuses text that only a line, not a format, would hold', () => {
    expect(isLabel(`a${'b'.repeat(64)}`)).toBe(false);
    expect(isLabel('two words')).toBe(false);
    expect(isLabel('__proto__')).toBe(false);
    expect(isLabel('')).toBe(false);
  });
});

describe('toInteger', () => {
  it('reads decimal integers', () => {
    expect(toInteger('200')).toBe(200);
    expect(toInteger('0')).toBe(0);
    expect(toInteger('-5')).toBe(-5);
  });
  it('refuses what Number() would stretch into a number', () => {
    for (const text of ['', '-', '1e3', ' 12', '0x1f', '12.5', '1_000', '9'.repeat(16)]) {
      expect(toInteger(text)).toBeUndefined();
    }
  });
});
