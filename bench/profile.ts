/**
 * `npx tsx bench/profile.ts [batch] [--batches 300] [--top 25]`: where the handler's time goes on
 * one of the benchmark's ~1 MB batches (default, openobserve_guide, clf, json, xml, csv,
 * cloudwatch_gzip, execution_cloudwatch, execution_delivery). Builds the handler unminified (function names kept) into a temporary folder,
 * runs the batch through it 30 times to warm up, then `--batches` times under V8's CPU profiler
 * (what `node --cpu-prof` records), and prints the functions with the most self time, as shares
 * of the profiled run. Serialising the response, as Lambda does, is `stringifyResponses`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { build } from 'esbuild';
import { BUILD_OPTIONS } from '../scripts/build-options';
import { benchmarkBatches } from './batches';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batches: { type: 'string', default: '300' },
    top: { type: 'string', default: '25' },
  },
});
const name = positionals[0] ?? 'default';

/** The batch through the handler `count` times, each response serialised as Lambda does. */
async function stringifyResponses(
  handler: Handler,
  event: FirehoseTransformationEvent,
  count: number,
) {
  for (let i = 0; i < count; i++) JSON.stringify(await handler(event));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time by function, largest first, as shares of the whole profile. A native frame without a
 * name is named after its caller (V8 flattening a string for Buffer.byteLength, say).
 */
function selfTimes(profile: Profile): [string, number][] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node);
  const label = (node: ProfileNode | undefined): string => {
    if (!node) return '(unknown)';
    const { functionName, url } = node.callFrame;
    if (!functionName && !url) return `(native, in ${label(parents.get(node.id))})`;
    return `${functionName || '(anonymous)'} (${url.split('/').pop() || 'native'})`;
  };
  const byFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const key = label(nodes.get(id));
    byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
  });
  return [...byFunction]
    .map(([key, time]): [string, number] => [key, time / total])
    .sort((a, b) => b[1] - a[1]);
}

const batch = benchmarkBatches(1024 * 1024).find(([batchName]) => batchName === name);
if (!batch) throw new Error(`no batch ${name}`);
const [, format, buildBatch] = batch;
Object.assign(process.env, {
  LOG_FORMAT: format,
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});
const event = buildBatch();
const folder = mkdtempSync(join(tmpdir(), 'profile-'));
try {
  await build({ ...BUILD_OPTIONS, minify: false, sourcemap: false, outdir: folder });
  const { handler } = (await import(pathToFileURL(join(folder, 'handler.mjs')).href)) as {
    handler: Handler;
  };
  await stringifyResponses(handler, event, 30);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  await stringifyResponses(handler, event, Number(options.batches));
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();
  console.log(`Self time, ${options.batches} ${name} batches through the handler:\n`);
  console.log('| function (file) | self time |');
  console.log('|---|---:|');
  for (const [key, share] of selfTimes(profile).slice(0, Number(options.top))) {
    console.log(`| ${key} | ${(share * 100).toFixed(1)}% |`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
