import fc from 'fast-check';
import { traceIdOf } from '../../src/trace';

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

describe('traceIdOf', () => {
  it('turns an X-Ray trace id into its W3C form', () => {
    expect(traceIdOf('1-5759e988-bd862e3fe1be46a994272793')).toBe(
      '5759e988bd862e3fe1be46a994272793',
    );
    expect(traceIdOf('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1')).toBe(
      '5759e988bd862e3fe1be46a994272793',
    );
  });

  it('gives 32 lowercase hex digits, the time first, for every well-formed id', () => {
    fc.assert(
      fc.property(hex(8), hex(24), fc.boolean(), (time, random, upper) => {
        fc.pre(`${time}${random}` !== '0'.repeat(32));
        const id = `1-${time}-${random}`;
        const w3c = traceIdOf(upper ? id.toUpperCase().replace('1-', '1-') : id);
        expect(w3c).toBe(`${time}${random}`);
        expect(w3c).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });

  it('leaves out what is not a trace id, never guessing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const result = traceIdOf(text);
        if (result !== undefined) {
          expect(text.replace(/^Root=/, '').replace(/;.*$/, '')).toMatch(
            /^1-[0-9a-fA-F]{8}-[0-9a-fA-F]{24}$/,
          );
        }
      }),
    );
    for (const bad of [
      '1-00000000-000000000000000000000000',
      '-',
      '',
      '2-5759e988-bd862e3fe1be46a994272793',
      '1-5759e98-bd862e3fe1be46a994272793',
      '1-5759e988-bd862e3fe1be46a99427279',
      '1-5759e988-bd862e3fe1be46a9942727930',
      '1-5759e98g-bd862e3fe1be46a994272793',
      '1_5759e988_bd862e3fe1be46a994272793',
    ]) {
      expect(traceIdOf(bad)).toBeUndefined();
    }
  });
});
