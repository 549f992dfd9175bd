/**
 * The processor answers every checked-in golden batch (test/support/golden.ts) byte for byte as it
 * did when the goldens were written: the same result for every record, the same event lines.
 */
import { answer, readGoldens } from './support/golden';

const goldens = readGoldens();

describe('golden outputs (test/golden/)', () => {
  it('hold batches of every format, with and without rules, and the sample events', () => {
    const names = new Set(goldens.map((golden) => golden.name.replace(/-\d+$/, '')));
    expect(names.size).toBeGreaterThanOrEqual(30);
    const lines = goldens.flatMap((golden) =>
      golden.records.flatMap((record) => record.lines ?? []),
    );
    expect(lines.length).toBeGreaterThan(500);
  });

  it.each(goldens.map((golden) => [golden.name, golden] as const))(
    '%s: every record answered as before',
    (_name, golden) => {
      expect(answer(golden)).toEqual(golden.records);
    },
  );
});
