import { eventOf } from './support/batches';
import { readCorpus } from './support/sample-events';

const corpus = readCorpus();

describe('corpus of sample lines', () => {
  it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const event = eventOf(entry.line, entry.logFormat ? { LOG_FORMAT: entry.logFormat } : {});
    expect(event).toMatchObject(entry.expect);
    for (const field of entry.absent) expect(event).not.toHaveProperty(field);
  });

  it('gives OpenObserve keys in its normal form, no nulls, and one type per field (docs/contracts.md §5)', () => {
    const types = new Map<string, Set<string>>();
    for (const entry of corpus) {
      const event = eventOf(entry.line, entry.logFormat ? { LOG_FORMAT: entry.logFormat } : {});
      for (const [key, value] of Object.entries(event)) {
        expect(key).toMatch(/^[a-z0-9_]+$/);
        expect(value).not.toBeNull();
        const seen = types.get(key) ?? new Set<string>();
        seen.add(typeof value);
        types.set(key, seen);
      }
    }
    const mixed = [...types].filter(([, seen]) => seen.size > 1).map(([key]) => key);
    expect(mixed).toEqual([]);
    expect(types.get('_timestamp')).toEqual(new Set(['number']));
  });
});
