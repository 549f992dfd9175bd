import { encodeEvent, joinEventLines } from '../../src/encode';

describe('encodeEvent', () => {
  it('starts every line {\\t so OpenObserve never reads it as OTLP metrics', () => {
    const line = encodeEvent({ status: 200, message: 'two\nlines' });
    expect(line.startsWith('{\t"status":200')).toBe(true);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ status: 200, message: 'two\nlines' });
  });
});

describe('joinEventLines', () => {
  it('joins lines with one newline each and ends with exactly one', () => {
    expect(joinEventLines(['{\t"a":1}', '{\t"b":2}'])).toBe('{\t"a":1}\n{\t"b":2}\n');
  });
});
