/**
 * `npm run build`: bundles the handler to dist/handler.mjs (and the chunks it loads on demand), and
 * the deploy's check of its settings to dist/settings-check.mjs.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { BUILD_OPTIONS, FUNCTION_BUILDS } from './build-options';

// Chunk names carry a hash: an old build's chunks would otherwise stay beside the new ones.
rmSync(BUILD_OPTIONS.outdir as string, { recursive: true, force: true });
for (const options of FUNCTION_BUILDS) await build(options);
