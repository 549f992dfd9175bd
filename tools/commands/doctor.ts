/** `npm run doctor`: checks the pipeline from the stages to OpenObserve (tools/doctor/). */
import { awsClients } from '../aws/clients';
import { streamName, streamRegion } from '../aws/stream';
import { defineCommand, EXIT } from '../cli/command';
import { parseDuration } from '../cli/duration';
import { UsageError } from '../cli/errors';
import { firehoseAccessKey } from '../cli/io';
import { COMMON_OPTIONS } from '../cli/options';
import { type Check, formatChecks, formatRegions } from '../doctor/check';
import { doctor } from '../doctor/doctor';
import type { DoctorOptions } from '../doctor/facts';

/** With --probe: the Firehose access key, and OpenObserve credentials to search with if set. */
async function probeOptions(): Promise<DoctorOptions['probe']> {
  const accessKey = await firehoseAccessKey();
  const { OPENOBSERVE_USER: user, OPENOBSERVE_PASSWORD: password } = process.env;
  return { accessKey, user: user && password ? { user, password } : undefined };
}

export const command = defineCommand({
  spec: {
    name: 'doctor',
    summary:
      'Checks the pipeline: stages, stream, processor, role, settings, metrics, failed records and, with --probe, OpenObserve. Exits 1 when a check fails.',
    options: {
      stream: { type: 'string', value: 'NAME|ARN', required: true, help: 'the delivery stream' },
      'rest-api-id': { type: 'string', value: 'ID', help: 'check one stage (with --stage)' },
      stage: { type: 'string', value: 'NAME', help: 'the stage (with --rest-api-id)' },
      'all-stages': {
        type: 'flag',
        help: 'list every stage of the region, not only those logging here',
      },
      since: {
        type: 'string',
        value: 'DURATION',
        default: '1h',
        help: 'the window of metrics and failed records: 30m, 1h, 2d',
      },
      probe: {
        type: 'flag',
        help: 'send one event to OpenObserve and look for it (OPENOBSERVE_ACCESS_KEY; OPENOBSERVE_USER and OPENOBSERVE_PASSWORD to search)',
      },
      region: COMMON_OPTIONS.region,
      regions: {
        type: 'list',
        value: 'R1,R2',
        help: 'check the stream of this name in each of these regions, reported in one table',
      },
      json: COMMON_OPTIONS.json,
    },
    check(values) {
      streamRegion(values.stream, values.region);
      if (Boolean(values['rest-api-id']) !== Boolean(values.stage)) {
        throw new UsageError('--rest-api-id and --stage go together');
      }
      if (values['all-stages'] && values.stage) {
        throw new UsageError('--all-stages or one stage, not both');
      }
      if (values.region && values.regions) throw new UsageError('--region or --regions, not both');
      if (values.regions && values.stream.startsWith('arn:')) {
        throw new UsageError('--regions takes the stream by name: an ARN names one region');
      }
      parseDuration(values.since);
    },
  },
  async run({ values }, io) {
    const probe = values.probe ? await probeOptions() : undefined;
    const check = (region: string | undefined) =>
      doctor(
        {
          stream: streamName(values.stream),
          given: values.stream,
          region,
          restApiId: values['rest-api-id'],
          stage: values.stage,
          allStages: values['all-stages'],
          sinceMs: parseDuration(values.since),
          probe,
          now: Date.now(),
        },
        awsClients(region),
      );
    const failed = (checks: readonly Check[]) => checks.some((item) => item.status === 'fail');
    if (!values.regions) {
      const checks = await check(streamRegion(values.stream, values.region));
      if (values.json) io.json(checks);
      else for (const line of formatChecks(checks)) io.log(line);
      return failed(checks) ? EXIT.wrong : EXIT.done;
    }
    const results = [];
    for (const region of values.regions) results.push({ region, checks: await check(region) });
    if (values.json) io.json(results);
    else for (const line of formatRegions(results)) io.log(line);
    return results.some((result) => failed(result.checks)) ? EXIT.wrong : EXIT.done;
  },
});
