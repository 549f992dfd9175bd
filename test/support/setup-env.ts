import { RE2JS } from 're2js';
import * as objectPathModule from '../../src/object-path';
import { useObjectPath } from '../../src/on-demand';
import { usePatternEngine } from '../../src/rules';

// Tests read results, not log lines: keep Powertools quiet unless a test asks otherwise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

// Batches run synchronously in tests: expressions compile on first use (the function compiles
// them at init, src/lambda.ts).
usePatternEngine(RE2JS);

// The object path, which the function loads when first needed (src/on-demand.ts), is there from
// the start: batches run synchronously, some as a file loads. test/src/on-demand.test.ts loads it
// on demand.
useObjectPath(objectPathModule);
