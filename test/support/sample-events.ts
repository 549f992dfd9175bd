/**
 * The sample Firehose events in `events/`, built from the corpus of sample lines
 * (test/corpus/lines.json). `npm run events` writes them; a test checks they are up to date.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  cloudWatchRecord,
  firehoseEvent,
  type RecordInput,
  SAMPLE_ARRIVAL_MS,
} from './firehose-event';

export interface CorpusEntry {
  readonly name: string;
  /** The `events/<event>.json` file the line goes into. */
  readonly event: string;
  /** LOG_FORMAT the line was written with, when it is not the default format. */
  readonly logFormat?: string;
  readonly line: string;
  /** Fields the line's event must have, with these values. */
  readonly expect: Record<string, string | number>;
  /** Fields the line's event must not have. */
  readonly absent: readonly string[];
}

const CORPUS_PATH = new URL('../corpus/lines.json', import.meta.url);

export function readCorpus(): CorpusEntry[] {
  return JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as CorpusEntry[];
}

function linesOf(corpus: readonly CorpusEntry[], event: string): string[] {
  return corpus.filter((entry) => entry.event === event).map((entry) => entry.line);
}

/** A default-format line whose user agent makes the line 1,000,000 bytes long. */
function megabyteLine(corpus: readonly CorpusEntry[]): string {
  const line = linesOf(corpus, 'default-format')[0] as string;
  const padding = 1_000_000 - Buffer.byteLength(line);
  return line.replace('UserAgent: ', `UserAgent: ${'x'.repeat(padding)}`);
}

/** File name → contents, for every file `npm run events` writes. */
export function buildSampleEvents(corpus: readonly CorpusEntry[]): Record<string, string> {
  const files: Record<string, string> = {};
  const put = (name: string, inputs: RecordInput[]) => {
    files[`${name}.json`] = `${JSON.stringify(firehoseEvent(inputs), null, 2)}\n`;
  };
  const defaultLines = linesOf(corpus, 'default-format');

  // One record per line, as API Gateway writes them (docs/contracts.md §2); the last record holds two lines.
  put('default-format', [
    ...defaultLines.map((text) => ({ text })),
    { text: `${defaultLines[0]}\r\n${defaultLines[1]}\n` },
  ]);
  for (const name of [
    'previous-format',
    'openobserve-guide',
    'clf',
    'json',
    'xml',
    'csv',
    'fallback',
  ]) {
    put(
      name,
      linesOf(corpus, name).map((text) => ({ text })),
    );
  }

  // HTTP API access logs reach the stream through a CloudWatch Logs subscription (§3).
  const httpApiLines = corpus.filter((entry) => entry.name.startsWith('fallback: an HTTP API'));
  put('cloudwatch-logs', [
    cloudWatchRecord(
      [...httpApiLines.map((entry) => entry.line), ...defaultLines.slice(0, 2)].map(
        (message, i) => ({ message, timestampMs: SAMPLE_ARRIVAL_MS - 5_000 + i }),
      ),
    ),
    cloudWatchRecord([{ message: '', timestampMs: SAMPLE_ARRIVAL_MS }], 'CONTROL_MESSAGE'),
  ]);

  // Execution logs by both paths (docs/contracts.md §8): a subscription of the stage's execution
  // log group, and a CloudWatch Logs delivery to the stream (JSON output; the record's field names
  // are those AWS's resource specification gives the delivery, lowercased: not documented).
  const executionLines = linesOf(corpus, 'execution');
  put('execution-cloudwatch', [
    cloudWatchRecord(
      executionLines.map((message, i) => ({ message, timestampMs: SAMPLE_ARRIVAL_MS - 5_000 + i })),
      'DATA_MESSAGE',
      'API-Gateway-Execution-Logs_a1b2c3d4e5/prod',
    ),
  ]);
  put(
    'execution-delivery',
    executionLines.map((payload, i) => ({
      text: JSON.stringify({
        resource_arn: 'arn:aws:apigateway:us-east-1:123456789012:/restapis/a1b2c3d4e5/stages/prod',
        event_timestamp: SAMPLE_ARRIVAL_MS - 5_000 + i,
        stage: 'prod',
        payload,
      }),
    })),
  );

  const gzipped = gzipSync(defaultLines.join('\n'));
  put('bad-records', [
    { data: 'this is not base64!' },
    { bytes: Uint8Array.from([0x00, 0xff, 0xfe, 0x01, 0x80, 0x81, 0x00, 0x7f, 0xc3, 0x28]) },
    { bytes: gzipped.subarray(0, Math.floor(gzipped.length / 2)) },
    { text: (defaultLines[0] as string).slice(0, 120) },
    { text: '' },
    { text: '\n\r\n' },
    { text: megabyteLine(corpus) },
  ]);

  files['sample-access.log'] = `${[...defaultLines, ...linesOf(corpus, 'clf')].join('\n')}\n`;
  return files;
}
