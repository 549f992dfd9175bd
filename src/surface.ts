/**
 * What the command side (tools/, bench/, scripts/) may use of the function: its settings and their
 * checks, the formats and their variables, the processor and its outcomes, the encoding of events,
 * and reading records. Nothing else of src/ is imported from outside it (test/tools/layers.test.ts
 * keeps it so); the function's own entry is handler.ts. The object path, which the function loads
 * when first needed (on-demand.ts), comes with this door: commands read settings with rules and
 * run batches without waiting for it.
 */
import * as objectPathModule from './object-path';
import { useObjectPath } from './on-demand';

useObjectPath(objectPathModule);

export { type Config, POWERTOOLS_DEFAULTS, readConfig } from './config';
export { gunzippedText, isGzip } from './decode';
export { encodeEvent, splitEventLines } from './encode';
export { ENRICHMENTS } from './enrich';
export { ConfigError } from './errors';
export { canonicalName } from './fields';
export { type BatchOutcome, createAsyncProcessor } from './firehose';
export { closestVariable } from './formats/closest';
export { formatVariables, variableFields } from './formats/compile';
export {
  DEFAULT_FORMAT,
  formatName,
  KNOWN_FORMATS,
  PREVIOUS_DEFAULT_FORMATS,
} from './formats/known';
export {
  API_KEY_VARIABLE,
  API_KEY_WHY,
  MAX_FORMAT_BYTES,
  unknownVariables,
} from './formats/variables';
export { compress, MAX_OUTPUT_RECORD_BYTES, TOO_LARGE_REASONS } from './outcome';
export { compileUserPatterns, FREE_TEXT_FIELDS } from './rules';
export { withSecrets } from './secrets';
