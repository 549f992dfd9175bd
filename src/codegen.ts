/**
 * Code written once, at init, for one format (formats/compile.ts's first match, write.ts's tail):
 * V8 inlines and predicts each site of code written out for its case, where a loop over a table
 * calls every case from one place. The code holds only names, indexes and numbers: every value it
 * uses, text from the settings included, is handed to it by name (`give`), never written into it.
 */
export function codeWith(named: Readonly<Record<string, unknown>>) {
  const names = Object.keys(named);
  const values = Object.values(named);
  return {
    /** Hands a value to the code under a name of its own, and returns the name. */
    give(value: unknown): string {
      const name = `c${names.length}`;
      names.push(name);
      values.push(value);
      return name;
    },
    /** The value `body` returns, run with every name given. */
    make<T>(body: string): T {
      return new Function(...names, body)(...values) as T;
    },
  };
}
