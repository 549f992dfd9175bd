import { encodeEvent, splitEventLines } from '../../src/encode';

describe('encodeEvent', () => {
  it('starts every line {\\t so OpenObserve never reads it as OTLP metrics', () => {
    const line = encodeEvent({ status: 200, message: 'two\nlines' });
    expect(line.startsWith('{\t"status":200')).toBe(true);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ status: 200, message: 'two\nlines' });
  });
});

describe('splitEventLines', () => {
  it('reads back the lines of a record, each followed by one newline', () => {
    expect(splitEventLines('{\t"a":1}\n{\t"b":2}\n')).toEqual(['{\t"a":1}', '{\t"b":2}']);
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
