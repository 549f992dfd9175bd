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

describe('encodeEvent with a sample rate', () => {
  it('writes sample_rate as the last field of a JSON object that starts {\\t', () => {
    const line = encodeEvent({ request_id: 'a', _timestamp: 1 }, 10);
    expect(line.startsWith('{\t')).toBe(true);
    expect(JSON.parse(line)).toEqual({ request_id: 'a', _timestamp: 1, sample_rate: 10 });
    expect(JSON.parse(encodeEvent({}, 1))).toEqual({ sample_rate: 1 });
  });
});
