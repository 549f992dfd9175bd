/**
 * `npx tsx bench/compare.ts <before.mjs> [after.mjs] [--rounds 3]`: two builds of the handler side
 * by side on what `npm run bench` measures besides speed (bundle size, module init, the cold start
 * under Lambda's runtime interface, peak RSS for the 5.9 MB batch and for the gzip batch), taken
 * in turns so that the machine's drift falls on both; each figure is the median of the rounds.
 * `after` is dist/handler.mjs unless given. A build of an earlier commit:
 *
 *   git archive <commit> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/ &&
 *   (cd /tmp/before && npm run build)   # then /tmp/before/dist/handler.mjs
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  inflatingRun,
  initTimeMs,
  median,
  peakRssMB,
  rieInitMs,
  sixMegabyteBatch,
} from './measure';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' } },
});
const [before, after = 'dist/handler.mjs'] = positionals.map((path) => resolve(path));
if (!before) throw new Error('usage: bench/compare.ts <before.mjs> [after.mjs] [--rounds 3]');
const bundles = { before, after: resolve(after) };

type Figures = Record<'init' | 'rie' | 'rss' | 'gzipRss', number[]>;
const figures: Record<keyof typeof bundles, Figures> = {
  before: { init: [], rie: [], rss: [], gzipRss: [] },
  after: { init: [], rie: [], rss: [], gzipRss: [] },
};
const batch = sixMegabyteBatch();
const gzipBatch = inflatingRun();
for (let round = 0; round < Number(options.rounds); round++) {
  for (const [name, bundle] of Object.entries(bundles) as [keyof typeof bundles, string][]) {
    const into = figures[name];
    into.init.push(initTimeMs(bundle));
    const rie = await rieInitMs(bundle);
    into.rie.push(typeof rie === 'number' ? rie : Number.NaN);
    into.rss.push(peakRssMB(bundle, batch).peakMB);
    into.gzipRss.push(peakRssMB(bundle, gzipBatch).peakMB);
  }
}

const f = (values: number[]) =>
  `${median(values).toFixed(1)} (${values.map((v) => v.toFixed(1)).join(', ')})`;
console.log(`${options.rounds} rounds, in turns; median (each round's figure):\n`);
console.log('| measure | before | after |');
console.log('|---|---:|---:|');
const kb = (path: string) =>
  `${(statSync(path).size / 1024).toFixed(1)} KB (${statSync(path).size} bytes)`;
console.log(`| bundle | ${kb(bundles.before)} | ${kb(bundles.after)} |`);
const rows: [keyof Figures, string][] = [
  ['init', 'module init, ms (median of 9 imports)'],
  ['rie', 'RIE cold start, ms (median of 5)'],
  ['rss', 'peak RSS, 5.9 MB batch, MB'],
  ['gzipRss', 'peak RSS, 200 gzip records of 4 MiB, MB'],
];
for (const [key, label] of rows) {
  console.log(`| ${label} | ${f(figures.before[key])} | ${f(figures.after[key])} |`);
}
