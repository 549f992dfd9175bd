/**
 * `npm run replay -- <file | dir | s3://bucket/prefix>… --endpoint <url> [--dry-run]
 *  [--state .replay-state.json] [--batch-records 500] [--batch-mb 4] [--region r]`
 *
 * The access key comes from OPENOBSERVE_ACCESS_KEY or a prompt, never from the command line.
 * Processor settings (LOG_FORMAT, SOURCE_IP, …) come from the environment, as on Lambda.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../src/config';
import { createProcessor } from '../src/handler';
import { askHidden, Refused } from '../tools/confirm';
import { DEFAULT_DELIVERY, DeliveryStopped } from '../tools/replay/deliver';
import { createProgress } from '../tools/replay/progress';
import { MAX_BATCH_RECORDS, replay } from '../tools/replay/replay';
import { listSources } from '../tools/replay/sources';
import { awsClients } from './aws-clients';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    endpoint: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    state: { type: 'string', default: '.replay-state.json' },
    failed: { type: 'string', default: 'replay-failed.ndjson' },
    'batch-records': { type: 'string', default: '500' },
    'batch-mb': { type: 'string', default: '4' },
    'max-attempts': { type: 'string', default: String(DEFAULT_DELIVERY.maxAttempts) },
    'timeout-seconds': { type: 'string', default: String(DEFAULT_DELIVERY.timeoutMs / 1000) },
    region: { type: 'string' },
  },
});
const usage =
  'usage: npm run replay -- <file | dir | s3://bucket/prefix>… --endpoint https://…/aws/<org>/<stream>/_kinesis_firehose [--dry-run] [--state file]';
if (positionals.length === 0 || (!values.endpoint && !values['dry-run'])) {
  console.error(usage);
  process.exit(2);
}
const batchRecords = Number(values['batch-records']);
if (!(batchRecords >= 1 && batchRecords <= MAX_BATCH_RECORDS)) {
  console.error(`--batch-records must be 1 to ${MAX_BATCH_RECORDS} (Firehose's limit per request)`);
  process.exit(2);
}

async function accessKey(): Promise<string> {
  return (
    process.env.OPENOBSERVE_ACCESS_KEY ||
    askHidden(
      'OpenObserve Access Key: ',
      'set OPENOBSERVE_ACCESS_KEY (OpenObserve → Data Sources → AWS → Access Key)',
    )
  );
}

try {
  const sources = await listSources(positionals, () => awsClients(values.region).s3);
  const totalBytes = sources.reduce((sum, source) => sum + source.size, 0);
  const dryRun = values['dry-run'];
  const delivery = dryRun
    ? undefined
    : {
        ...DEFAULT_DELIVERY,
        endpoint: values.endpoint as string,
        accessKey: await accessKey(),
        maxAttempts: Number(values['max-attempts']),
        timeoutMs: Number(values['timeout-seconds']) * 1000,
      };
  const summary = await replay(
    sources,
    {
      batchRecords,
      batchBytes: Number(values['batch-mb']) * 1024 * 1024,
      statePath: dryRun ? undefined : values.state,
      failedPath: values.failed,
      delivery,
    },
    {
      processBatch: createProcessor(readConfig(process.env)),
      write: (line) => process.stdout.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
      progress: dryRun
        ? {
            update: () => undefined,
            note: (line) => process.stderr.write(`${line}\n`),
            done: () => undefined,
          }
        : createProgress(totalBytes),
      now: Date.now,
    },
  );
  const formats = Object.entries(summary.byFormat)
    .map(([format, count]) => `${format} ${count}`)
    .join(', ');
  process.stderr.write(
    `${dryRun ? 'written' : 'sent'} ${summary.sent} events${dryRun ? '' : ` in ${summary.batches} batches`}, failed ${summary.failed}${summary.failed ? ` (kept in ${values.failed})` : ''}, skipped ${summary.skipped} (done earlier), dropped ${summary.dropped}; by log format: ${formats || 'none'}\n`,
  );
  if (summary.olderThanWindow > 0) {
    process.stderr.write(
      `${summary.olderThanWindow} events were older than OpenObserve's default 5-hour ingest window: raise ZO_INGEST_ALLOWED_UPTO on the server to keep them\n`,
    );
  }
} catch (error) {
  console.error(
    error instanceof DeliveryStopped || error instanceof Refused
      ? `stopped: ${error.message}`
      : (error as Error).message,
  );
  process.exit(1);
}
