import { RE2JS } from 're2js';
import { usePatternEngine } from '../../src/rules';

// Tests read results, not log lines: keep Powertools quiet unless a test asks otherwise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

// Batches run synchronously in tests: expressions compile on first use (the function compiles
// them at init, src/keep.ts).
usePatternEngine(RE2JS);
