/**
 * `npm run build`: bundles the handler to dist/handler.mjs with the esbuild settings that
 * template.yaml's `Metadata.BuildProperties` gives `sam build`.
 */
import { type BuildOptions, build } from 'esbuild';

export const BUILD_OPTIONS: BuildOptions = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  outfile: 'dist/handler.mjs',
  logLevel: 'warning',
};

await build(BUILD_OPTIONS);
