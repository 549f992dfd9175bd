import { isoTime, parseRequestTime } from '../../src/time';

describe('parseRequestTime', () => {
  it('reads API Gateway requestTime as epoch milliseconds', () => {
    expect(parseRequestTime('24/Nov/2026:18:47:25 +0000')).toBe(Date.UTC(2026, 10, 24, 18, 47, 25));
  });
  it('reads a year before 100 as that year, not as 19xx', () => {
    expect(parseRequestTime('01/Jan/0050:00:00:00 +0000')).toBe(Date.parse('0050-01-01T00:00:00Z'));
  });

  it('honours the offset', () => {
    expect(parseRequestTime('24/Nov/2026:18:47:25 +0530')).toBe(Date.UTC(2026, 10, 24, 13, 17, 25));
    expect(parseRequestTime('24/Nov/2026:18:47:25 -0800')).toBe(Date.UTC(2026, 10, 25, 2, 47, 25));
  });
  it('gives the same answer when asked twice in a row', () => {
    const first = parseRequestTime('01/Jan/2027:00:00:00 +0000');
    expect(parseRequestTime('01/Jan/2027:00:00:00 +0000')).toBe(first);
    expect(parseRequestTime('01/Jan/2027:00:00:01 +0000')).toBe((first as number) + 1000);
  });
  it.each([
    '2026-11-24T18:47:25Z',
    '24/Nov/2026:18:47:25',
    '31/Feb/2026:10:00:00 +0000',
    '24/Foo/2026:18:47:25 +0000',
    '24/Nov/2026:25:47:25 +0000',
    '-',
  ])('refuses %s', (text) => {
    expect(parseRequestTime(text)).toBeUndefined();
  });
});

describe('isoTime', () => {
  it('writes ISO 8601 UTC', () => {
    expect(isoTime(Date.UTC(2026, 10, 24, 18, 47, 25))).toBe('2026-11-24T18:47:25.000Z');
  });
});
