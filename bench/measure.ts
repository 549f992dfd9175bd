/**
 * What `npm run bench` measures of a built bundle besides its speed, each in fresh processes: the
 * module init, the cold start under Lambda's runtime interface, and peak RSS for a batch. Shared
 * by bench/bench.ts and bench/compare.ts.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { BUILD_OPTIONS } from '../scripts/build-options';
import {
  installRuntime,
  lambdaNodeFlags,
  missingTools,
  RUNTIME_NODE,
  startRuntime,
  templateFunction,
} from '../scripts/lambda-runtime';
import { DEFAULT_FORMAT } from '../src/surface';
import { inflatingBatch, linesBatch } from './batches';

/** The function's memory as template.yaml deploys it. */
export const FUNCTION_MEMORY_MB = Number(templateFunction().memoryMB);
/**
 * The V8 flags Lambda's Node.js bootstrap gives a function of that memory (its heap sized from it,
 * not from the machine's): every memory figure is measured under them.
 */
export const LAMBDA_NODE_FLAGS = lambdaNodeFlags(FUNCTION_MEMORY_MB);

/** A chunk's static imports of other chunks (`import"./x.mjs"`, `from"./x.mjs"`), not `import(…)`. */
const STATIC_CHUNK_IMPORT = /(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.mjs)"/g;

/**
 * The code a bundle's init parses, in bytes: its entry and every chunk the entry imports
 * statically. The other chunks (the object path, the secret reader, RE2JS) load when first needed.
 */
export function initCodeBytes(bundle: string): number {
  const dir = dirname(bundle);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, path] of readFileSync(join(dir, file), 'utf8').matchAll(STATIC_CHUNK_IMPORT)) {
      visit((path as string).slice(2));
    }
  };
  visit(bundle.slice(dir.length + 1));
  let bytes = 0;
  for (const file of seen) bytes += statSync(join(dir, file)).size;
  return bytes;
}

const copies: string[] = [];
process.on('exit', () => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

/**
 * The handler of a copy of the build, imported with `env` set: each copy is a module instance of
 * its own, chunks included, as a function with one configuration runs it. A query string on the
 * entry would give a fresh entry only: the chunks it imports (the processor's shared code) would
 * be the same instances for every case, which would then share V8's type feedback across formats.
 * The copies are removed when the process exits.
 */
export async function freshHandler<T>(bundle: string, env: Record<string, string>): Promise<T> {
  const copy = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  copies.push(copy);
  for (const file of readdirSync(dirname(bundle))) {
    if (file.endsWith('.mjs')) cpSync(join(dirname(bundle), file), join(copy, file));
  }
  Object.assign(process.env, env);
  const entry = join(copy, bundle.slice(dirname(bundle).length + 1));
  return ((await import(pathToFileURL(entry).href)) as { handler: T }).handler;
}

/**
 * A function that does nothing, in a folder of its own removed at exit. Each init measure taken of
 * it is that measure's floor: what Node.js and the runtime take before any of a function's code
 * (Node.js's module loader starting, the runtime's own start), which no bundle can make shorter.
 */
export function emptyFunction(): string {
  const folder = mkdtempSync(join(tmpdir(), 'bench-empty-'));
  copies.push(folder);
  const bundle = join(folder, 'handler.mjs');
  writeFileSync(bundle, 'export const handler = async () => ({ records: [] });\n');
  return bundle;
}

/**
 * A function that only makes Powertools' Logger and Metrics, as the handler does at init, built as
 * the handler is (scripts/build-options.ts), in a folder of its own removed at exit. Each init
 * measure taken of it is what no function that starts them at init can go under: they load
 * node:crypto (the logger's log sampling) and node:console with them.
 */
export async function powertoolsFunction(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-powertools-'));
  copies.push(folder);
  await build({
    ...BUILD_OPTIONS,
    entryPoints: undefined,
    stdin: {
      contents: `import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
const logger = new Logger({ serviceName: 'bench' });
const metrics = new Metrics({ namespace: 'Bench', serviceName: 'bench' });
export const handler = async () => {
  logger.info('batch');
  metrics.publishStoredMetrics();
  return { records: [] };
};
`,
      resolveDir: process.cwd(),
      sourcefile: 'handler.ts',
      loader: 'ts',
    },
    entryNames: 'handler',
    sourcemap: false,
    outdir: folder,
  });
  return join(folder, 'handler.mjs');
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Import of the bundle in a fresh Node process: the function's init, median of several. */
export function initTimeMs(bundle: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle).href)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    times.push(Number(run.stdout.trim()));
  }
  return median(times);
}

/**
 * The modules the Node.js runtime interface client (aws-lambda-ric, scripts/lambda-runtime.ts)
 * loads at its top level before it imports the function: its HTTP client and its log formatting.
 */
const RUNTIME_CLIENT_MODULES = [
  'node:http',
  'node:net',
  'node:util',
  'node:os',
  'node:async_hooks',
];

/**
 * The bundle's import as the runtime runs it: the runtime's Node.js, after the modules its client
 * has loaded (a fresh process's import charges the bundle for those too), median of 15; or why it
 * was not measured.
 */
export function runtimeInitMs(bundle: string): number | string {
  const missing = missingTools();
  if (missing.length > 0) return `not measured: ${missing.join(', ')} not on this machine`;
  installRuntime();
  const preload = RUNTIME_CLIENT_MODULES.map((name) => `await import('${name}');`).join('');
  const script = `${preload}const t=performance.now();await import(${JSON.stringify(pathToFileURL(bundle).href)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const run = spawnSync(RUNTIME_NODE, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    times.push(Number(run.stdout.trim()));
  }
  return median(times);
}

/**
 * The cold start as Lambda's runtime interface reports it: the RIE's `INIT REPORT` for a fresh
 * runtime (the runtime's Node.js and the RIC, scripts/lambda-runtime.ts), median of 5; or why it
 * was not measured.
 */
export async function rieInitMs(
  bundle: string,
  log: (line: string) => void = () => undefined,
): Promise<number | string> {
  const missing = missingTools();
  if (missing.length) return `not measured (needs ${missing.join(', ')})`;
  installRuntime(log);
  const event = JSON.parse(readFileSync('events/default-format.json', 'utf8'));
  const env = {
    ...process.env,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const runtime = await startRuntime(bundle, env);
    try {
      await runtime.invoke(event);
      times.push(runtime.initDurationMs() ?? Number.NaN);
    } finally {
      await runtime.stop();
    }
  }
  return median(times);
}

/**
 * Peak RSS of a fresh Node process that loads the bundle and answers one batch, with the heap
 * Lambda gives the function.
 */
export function peakRssMB(
  bundle: string,
  event: FirehoseTransformationEvent,
  nodeOptions: readonly string[] = LAMBDA_NODE_FLAGS,
): { eventMB: number; peakMB: number } {
  const directory = mkdtempSync(join(tmpdir(), 'bench-'));
  const path = join(directory, 'event.json');
  const text = JSON.stringify(event);
  writeFileSync(path, text);
  const script = `import{readFileSync}from'node:fs';const {handler}=await import(${JSON.stringify(pathToFileURL(bundle).href)});const e=JSON.parse(readFileSync(${JSON.stringify(path)},'utf8'));JSON.stringify(await handler(e));console.log(process.resourceUsage().maxRSS)`;
  const run = spawnSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      LOG_FORMAT: '',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  });
  rmSync(directory, { recursive: true, force: true });
  return { eventMB: text.length / 1e6, peakMB: Number(run.stdout.trim()) / 1024 };
}

/** Lambda's invocation payload limit is 6 MB: a batch of default-format lines just under it. */
export function sixMegabyteBatch(): FirehoseTransformationEvent {
  const scale = 5.9e6 / JSON.stringify(linesBatch(DEFAULT_FORMAT, 4 * 1024 * 1024, 7)).length;
  return linesBatch(DEFAULT_FORMAT, Math.floor(4 * 1024 * 1024 * scale), 7);
}

/**
 * 200 gzip records that each inflate to just under the 4 MiB cap (all inflated at once they once
 * took 1.8 GB, in a function of 256 MB).
 */
export function inflatingRun(): FirehoseTransformationEvent {
  return inflatingBatch(200, 4 * 1024 * 1024 - 1024);
}
