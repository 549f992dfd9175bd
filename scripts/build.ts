/**
 * `npm run build`: bundles the handler to dist/handler.mjs with the esbuild settings that
 * template.yaml's `Metadata.BuildProperties` gives `sam build`.
 */
import { build } from 'esbuild';

export const BUILD_OPTIONS = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  outfile: 'dist/handler.mjs',
  logLevel: 'warning',
} as const;

await build(BUILD_OPTIONS);
