/** `npm run build`: bundles the handler to dist/handler.mjs (and the chunks it loads on demand). */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { BUILD_OPTIONS } from './build-options';

// Chunk names carry a hash: an old build's chunks would otherwise stay beside the new ones.
rmSync(BUILD_OPTIONS.outdir as string, { recursive: true, force: true });
await build(BUILD_OPTIONS);
