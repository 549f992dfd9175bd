import type { BuildOptions } from 'esbuild';

/** esbuild settings for dist/handler.mjs: the ones template.yaml's BuildProperties give `sam build`. */
export const BUILD_OPTIONS: BuildOptions = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  outfile: 'dist/handler.mjs',
  // The Lambda Node.js runtime ships AWS SDK v3; only the secret reader loads a client, on demand.
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
};
