/**
 * `npx tsx bench/compare.ts <before.mjs> [after.mjs] [--rounds 3]`: two builds of the handler side
 * by side on what `npm run bench` measures besides speed (code loaded at init, module init in a bare
 * process and on the runtime's Node.js, the cold start under Lambda's runtime interface, peak RSS
 * for the 5.9 MB batch and for the gzip batch), taken in turns so that the machine's drift falls on both; each figure is the median of the rounds.
 * Then their speed: both handlers loaded in this one process, each batch (default, clf,
 * CloudWatch gzip, execution logs both ways) through one and the other in alternating order, 60 times after warm-up.
 * `after` is dist/handler.mjs unless given. A build of an earlier commit:
 *
 *   git archive <commit> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/ &&
 *   (cd /tmp/before && npm run build)   # then /tmp/before/dist/handler.mjs
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../src/surface';
import { cloudWatchBatch, executionBatch, linesBatch } from './batches';
import {
  freshHandler,
  inflatingRun,
  initCodeBytes,
  initTimeMs,
  median,
  peakRssMB,
  rieInitMs,
  runtimeInitMs,
  sixMegabyteBatch,
} from './measure';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' } },
});
const [before, after = 'dist/handler.mjs'] = positionals.map((path) => resolve(path));
if (!before) throw new Error('usage: bench/compare.ts <before.mjs> [after.mjs] [--rounds 3]');
const bundles = { before, after: resolve(after) };

type Figures = Record<'init' | 'runtimeInit' | 'rie' | 'rss' | 'gzipRss', number[]>;
const noFigures = (): Figures => ({ init: [], runtimeInit: [], rie: [], rss: [], gzipRss: [] });
const figures: Record<keyof typeof bundles, Figures> = { before: noFigures(), after: noFigures() };
const asNumber = (figure: number | string) => (typeof figure === 'number' ? figure : Number.NaN);
const batch = sixMegabyteBatch();
const gzipBatch = inflatingRun();
for (let round = 0; round < Number(options.rounds); round++) {
  for (const [name, bundle] of Object.entries(bundles) as [keyof typeof bundles, string][]) {
    const into = figures[name];
    into.init.push(initTimeMs(bundle));
    into.runtimeInit.push(asNumber(runtimeInitMs(bundle)));
    into.rie.push(asNumber(await rieInitMs(bundle)));
    into.rss.push(peakRssMB(bundle, batch).peakMB);
    into.gzipRss.push(peakRssMB(bundle, gzipBatch).peakMB);
  }
}

const f = (values: number[]) =>
  `${median(values).toFixed(1)} (${values.map((v) => v.toFixed(1)).join(', ')})`;
console.log(`${options.rounds} rounds, in turns; median (each round's figure):\n`);
console.log('| measure | before | after |');
console.log('|---|---:|---:|');
const kb = (path: string) => `${(initCodeBytes(path) / 1024).toFixed(1)} KB`;
console.log(
  `| code loaded at init (handler.mjs and the chunks it imports) | ${kb(bundles.before)} | ${kb(bundles.after)} |`,
);
const rows: [keyof Figures, string][] = [
  ['init', 'module init, ms (median of 9 imports)'],
  [
    'runtimeInit',
    "module init on the runtime's Node.js after its client's modules, ms (median of 15)",
  ],
  ['rie', 'RIE cold start, ms (median of 5)'],
  ['rss', 'peak RSS, 5.9 MB batch, MB'],
  ['gzipRss', 'peak RSS, 200 gzip records of 4 MiB, MB'],
];
for (const [key, label] of rows) {
  console.log(`| ${label} | ${f(figures.before[key])} | ${f(figures.after[key])} |`);
}

/** Both handlers on the same batches in one process, alternating, after warm-up. */
async function speed(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  type Handler = (event: FirehoseTransformationEvent) => Promise<unknown>;
  const load = (path: string, format: string): Promise<Handler> =>
    freshHandler<Handler>(path, { LOG_FORMAT: format });
  const batches: [string, string, FirehoseTransformationEvent][] = [
    ['default', DEFAULT_FORMAT, linesBatch(DEFAULT_FORMAT, 1024 * 1024, 5)],
    ['clf', KNOWN_FORMATS.clf as string, linesBatch(KNOWN_FORMATS.clf as string, 1024 * 1024, 5)],
    ['cloudwatch_gzip', DEFAULT_FORMAT, cloudWatchBatch(DEFAULT_FORMAT, 1024 * 1024)],
    ['execution_cloudwatch', DEFAULT_FORMAT, executionBatch('cloudwatch', 1024 * 1024, 5)],
    ['execution_delivery', DEFAULT_FORMAT, executionBatch('delivery', 1024 * 1024, 5)],
  ];
  console.log('\n| batch | before, ms | after, ms | after ÷ before |');
  console.log('|---|---:|---:|---:|');
  for (const [name, format, event] of batches) {
    const handlers = {
      before: await load(bundles.before, format),
      after: await load(bundles.after, format),
    };
    const times = { before: [] as number[], after: [] as number[] };
    for (let run = 0; run < 75; run++) {
      const order = run % 2 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const which of order) {
        const start = performance.now();
        JSON.stringify(await handlers[which](event));
        if (run >= 15) times[which].push(performance.now() - start);
      }
    }
    const [before, after] = [median(times.before), median(times.after)];
    console.log(
      `| ${name} | ${before.toFixed(2)} | ${after.toFixed(2)} | ${(after / before).toFixed(3)} |`,
    );
  }
}
await speed();
