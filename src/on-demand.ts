/**
 * The object path (src/object-path.ts) is a chunk of its own, loaded only when a configuration or a
 * line needs it: at init when a rule is set (every line then takes it), else on the first line the
 * writer does not cover (a line LOG_FORMAT does not read one way, an execution-log line, a record
 * that is not text). A stage whose lines all match LOG_FORMAT never loads it, and its cold start
 * does not parse the readers of other formats, the execution-log table or the rules.
 *
 * The record transform is synchronous, and an import is not: code that needs the object path asks
 * objectPath(), which throws NotLoaded until it is loaded; the function's processor
 * (createAsyncProcessor) loads it then and goes on from that record, which it transforms anew
 * (the transform changes nothing outside its own record until it returns). Commands and tests
 * load it beforehand.
 */
export type ObjectPath = typeof import('./object-path');

let loaded: ObjectPath | undefined;

/** Thrown by objectPath() before loadObjectPath(): never a record's fault, never caught as one. */
export class NotLoaded extends Error {
  override name = 'NotLoaded';
  constructor() {
    super('the object path is not loaded: await loadObjectPath() first');
  }
}

/** The object path, or NotLoaded. */
export function objectPath(): ObjectPath {
  if (loaded === undefined) throw new NotLoaded();
  return loaded;
}

export async function loadObjectPath(): Promise<ObjectPath> {
  loaded ??= await import('./object-path');
  return loaded;
}

/**
 * For a caller that has the module already (the tests, which run batches synchronously as their
 * files load): objectPath() then answers with it.
 */
export function useObjectPath(module: ObjectPath): void {
  loaded = module;
}
