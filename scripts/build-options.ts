import type { BuildOptions } from 'esbuild';

/** esbuild settings for dist/handler.mjs: the ones template.yaml's BuildProperties give `sam build`. */
export const BUILD_OPTIONS: BuildOptions = {
  entryPoints: ['src/handler.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // The secret reader (Powertools' parameters utility and the AWS SDK v3 client the Lambda runtime
  // ships) is a chunk of its own, loaded only when a secret is named: the cold start of a
  // function that names none stays the handler's alone.
  splitting: true,
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
};

/**
 * dist/settings-check.mjs, the deploy's check of the processor's settings (SettingsCheckFunction):
 * the same settings, built on its own so that the handler's chunks, and its cold start, stay the
 * handler's alone. A package's one code zip holds both builds (tools/package/bundle.ts).
 */
export const SETTINGS_CHECK_BUILD_OPTIONS: BuildOptions = {
  ...BUILD_OPTIONS,
  entryPoints: ['src/settings-check.ts'],
};

/** Every function's build: the processor's, then the settings check's. */
export const FUNCTION_BUILDS: readonly BuildOptions[] = [
  BUILD_OPTIONS,
  SETTINGS_CHECK_BUILD_OPTIONS,
];
