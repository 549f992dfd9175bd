/** `npm run build`: bundles the handler to dist/handler.mjs. */
import { build } from 'esbuild';
import { BUILD_OPTIONS } from './build-options';

await build(BUILD_OPTIONS);
