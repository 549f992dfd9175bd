/**
 * The processor answers every checked-in golden batch (test/support/golden.ts) byte for byte as it
 * did when the goldens were written: the same result for every record, the same event lines.
 */
import { answer, goldenCases, readGoldens } from './support/golden';

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

  it('are the batches `npm run golden` makes today: the generated ones and events/ as it is', () => {
    // A golden of an old sample event would go on passing while the new one went unchecked.
    const byName = new Map(goldens.map((golden) => [golden.name, golden]));
    const cases = goldenCases();
    expect(byName.size).toBe(cases.length);
    for (const { name, env, event } of cases) {
      const golden = byName.get(name);
      const same = JSON.stringify([golden?.env, golden?.event]) === JSON.stringify([env, event]);
      expect({ name, same }).toEqual({ name, same: true });
    }
  });

  it.each(goldens.map((golden) => [golden.name, golden] as const))(
    '%s: every record answered as before',
    (_name, golden) => {
      expect(answer(golden)).toEqual(golden.records);
    },
  );
});
