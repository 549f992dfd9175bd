/**
 * Dashboard and alert SQL as OpenObserve runs it, on Apache DataFusion (docs/contracts.md §6), over
 * the events our own processor writes for `events/` and the corpus of sample lines.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import type { BatchOutcome } from '../../src/firehose';
import { eventsOf, runBatch } from './batches';
import { firehoseEvent } from './firehose-event';
import { readCorpus } from './sample-events';

export type Event = Record<string, unknown>;
export type Row = Record<string, unknown>;
export interface Answer {
  columns?: string[];
  rows?: Row[];
  error?: string;
}

/**
 * The data of every Ok record the processor returns for events/*.json, then for each corpus line
 * with its format: base64 text of event lines, as Firehose hands it to OpenObserve.
 */
export function processorRecords(env: Record<string, string> = {}): string[] {
  const records: string[] = [];
  for (const name of readdirSync('events')
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const event = JSON.parse(readFileSync(`events/${name}`, 'utf8')) as FirehoseTransformationEvent;
    records.push(...okData(runBatch(event, env)));
  }
  for (const entry of readCorpus()) {
    const event = firehoseEvent([{ text: entry.line }]);
    const lineEnv = { ...env, ...(entry.logFormat ? { LOG_FORMAT: entry.logFormat } : {}) };
    records.push(...okData(runBatch(event, lineEnv)));
  }
  return records;
}

/** The data of each Ok record of a batch's response. */
export const okData = ({ response }: BatchOutcome) =>
  response.records.flatMap((record) => (record.result === 'Ok' ? [record.data ?? ''] : []));

/** Every event the processor writes for events/*.json, then for each corpus line with its format. */
export function processorEvents(env: Record<string, string> = {}): Event[] {
  return processorRecords(env).flatMap(eventsOf);
}

/** The SQL statements of the sql blocks in README.md and docs/, comments removed. */
export function documentedQueries(): string[] {
  const pages = ['README.md', ...readdirSync('docs').map((name) => `docs/${name}`)].filter((path) =>
    path.endsWith('.md'),
  );
  const text = pages.map((path) => readFileSync(path, 'utf8')).join('\n');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] as string)
      .split(/\n\s*\n/)
      .map((text) => text.replace(/^--.*$/gm, '').trim())
      .filter(Boolean),
  );
}

/** Variable values as the dashboard UI holds them: "All" is OpenObserve's `_o2_all_`. */
export type Variables = Record<string, string | readonly string[]>;
export const ALL = '_o2_all_';

/**
 * The UI's substitution (web/src/composables/dashboard/usePanelVariableSubstitution.ts): an array
 * value in `${name:singlequote}` becomes `'a','b'`; a plain value replaces `${name}` and `$name`.
 */
export function substitute(sql: string, variables: Variables): string {
  let out = sql;
  for (const [name, value] of Object.entries(variables)) {
    if (Array.isArray(value)) {
      const quoted = value.map((v) => `'${String(v).replaceAll("'", "''")}'`).join(',');
      out = out.replaceAll(`\${${name}:singlequote}`, quoted);
    } else {
      out = out.replaceAll(`\${${name}}`, String(value)).replaceAll(`$${name}`, String(value));
    }
  }
  return out;
}

/**
 * The server's rewrite of "All" (src/search/src/sql/rewriter/remove_dashboard_placeholder.rs):
 * `field IN ('_o2_all_')` and `field = '_o2_all_'` become `true`. A placeholder left in any other
 * form would reach the engine as a literal and match nothing, so that is an error here.
 */
export function removeAllPlaceholder(sql: string): string {
  const out = sql
    .replace(/[\w."]+\s+IN\s*\(\s*'_o2_all_'\s*\)/g, 'true')
    .replace(/[\w."]+\s*=\s*'_o2_all_'/g, 'true');
  if (out.includes(ALL)) throw new Error(`"All" placeholder in a form OpenObserve keeps: ${out}`);
  return out;
}

/**
 * `histogram(_timestamp, 'interval')` as OpenObserve rewrites it (§6); without an interval the
 * server picks one from the time range, one minute for the dashboard's default hour.
 */
export function rewriteHistogram(sql: string): string {
  return sql.replace(
    /histogram\(\s*_timestamp\s*(?:,\s*'([^']+)'\s*)?\)/g,
    (_match, interval: string | undefined) =>
      `date_bin(INTERVAL '${interval ?? '1 minute'}', to_timestamp_micros(_timestamp), TIMESTAMP '2001-01-01T00:00:00')`,
  );
}

/** A dashboard query as the server runs it once the UI substituted the variables. */
export function asServerRuns(sql: string, variables: Variables): string {
  return rewriteHistogram(removeAllPlaceholder(substitute(sql, variables)));
}

function columnTypes(events: readonly Event[]): Record<string, 'int' | 'float' | 'string'> {
  const types: Record<string, 'int' | 'float' | 'string'> = {};
  for (const event of events) {
    for (const [key, value] of Object.entries(event)) {
      const kind =
        typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'string';
      types[key] = types[key] === 'float' || kind === 'float' ? kind : (types[key] ?? kind);
    }
  }
  return types;
}

const RUNNER = resolve('test/support/datafusion_runner.py');
const PYTHON = resolve('node_modules/.venv/bin/python');

/**
 * Runs each query on DataFusion over `events` as table `table`. `columnsFrom` gives the schema
 * (so an empty table still has every column). One Python process for all the queries.
 */
export function runSql(
  table: string,
  events: readonly Event[],
  queries: readonly string[],
  columnsFrom: readonly Event[] = events,
): Answer[] {
  const input = JSON.stringify({
    table,
    columns: columnTypes(columnsFrom),
    rows: events,
    queries,
  });
  const output = execFileSync(PYTHON, [RUNNER], { input, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(output.toString('utf8')) as Answer[];
}

/** The value at quantile q lies between these two values (linear ranks, as any estimator must). */
export function quantileBounds(values: readonly number[], q: number): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  return [sorted[Math.floor(rank)] as number, sorted[Math.ceil(rank)] as number];
}
