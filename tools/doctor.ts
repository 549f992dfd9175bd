/**
 * `npm run doctor`: OpenObserve's "No logs?" checklist as one command. Each check reports ok, warn
 * (works, but worth a look; or could not be run, and says why) or fail, with the evidence it saw
 * and the fix, a command where there is one.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { GetStageCommand } from '@aws-sdk/client-api-gateway';
import {
  type Dimension,
  GetMetricStatisticsCommand,
  type Statistic,
} from '@aws-sdk/client-cloudwatch';
import {
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type HttpEndpointDestinationDescription,
} from '@aws-sdk/client-firehose';
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readConfig } from '../src/config';
import { ConfigError } from '../src/errors';
import { DEFAULT_FORMAT } from '../src/formats/known';
import { compileUserPatterns } from '../src/rules';
import { parameter, roleMayInvoke } from './attach';
import { type Credentials, openObserveApi } from './openobserve/api';
import {
  DEFAULT_DELIVERY,
  DeliveryStopped,
  deliverBatch,
  NotAcknowledged,
  Rejected,
} from './replay/deliver';
import { type AwsClients, awsClients, errorName } from './shared/aws';
import { type Command, UsageError } from './shared/command';
import { publicUrl, secureUrl } from './shared/endpoint';
import { printJson } from './shared/output';
import { askHidden } from './shared/prompt';
import { destinationName, formatName, listStages, type StageLogging } from './stage-logs';

export type Status = 'ok' | 'warn' | 'fail';

export interface Check {
  readonly id: string;
  readonly status: Status;
  readonly summary: string;
  /** What the check saw. */
  readonly evidence: string;
  /** What to do, a command where there is one; null when nothing is to be done. */
  readonly fix: string | null;
}

export interface DoctorOptions {
  /** Delivery stream name. */
  readonly stream: string;
  readonly region?: string;
  readonly restApiId?: string;
  readonly stage?: string;
  readonly allStages: boolean;
  readonly sinceMs: number;
  /** With --probe: the Firehose access key, and OpenObserve user credentials if there are any. */
  readonly probe?: { readonly accessKey: string; readonly user?: Credentials };
  readonly now: number;
  /** Waits between searches for the probe; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type DoctorClients = Pick<
  AwsClients,
  'apiGateway' | 'firehose' | 'lambda' | 'iam' | 's3' | 'cloudWatch'
>;

const check = (
  id: string,
  status: Status,
  summary: string,
  evidence: string | readonly string[] = '',
  fix: string | null = null,
): Check => ({
  id,
  status,
  summary,
  evidence: typeof evidence === 'string' ? evidence : evidence.join('\n'),
  fix,
});

/** A check that could not run says so, and is a warning, never a silent ok. */
const couldNot = (id: string, what: string, error: unknown): Check =>
  check(
    id,
    'warn',
    `could not ${what}`,
    `${errorName(error) || 'error'}: ${(error as Error).message}`,
    errorName(error).includes('AccessDenied')
      ? 'run doctor with credentials that may read this (the evidence names the call)'
      : null,
  );

/**
 * The organization and stream of OpenObserve's Firehose endpoint, `https://…/aws/{org}/{stream}/
 * _kinesis_firehose` (docs/contracts.md §5); undefined for any other URL. Plain http only to loopback.
 */
export function openObserveEndpoint(url: string): { org: string; stream: string } | undefined {
  try {
    secureUrl(url, 'the endpoint');
  } catch {
    return undefined;
  }
  const match = /\/aws\/([^/]+)\/([^/]+)\/_kinesis_firehose$/.exec(new URL(url).pathname);
  return match ? { org: match[1] as string, stream: match[2] as string } : undefined;
}

/** Which of the `$context` variables one format has and the other lacks. */
function variablesOf(format: string): Set<string> {
  return new Set([...format.matchAll(/\$context\.[A-Za-z0-9_.]+/g)].map((match) => match[0]));
}

/** How the processor will read a stage's lines, given its LOG_FORMAT. */
function formatCheck(stages: readonly StageLogging[], logFormat: string): Check {
  const evidence: string[] = [`LOG_FORMAT: ${formatName(logFormat)}`];
  let differs = false;
  for (const stage of stages) {
    const label = `${stage.apiName} (${stage.restApiId}) ${stage.stage}`;
    if (stage.format === logFormat) {
      evidence.push(`${label}: the same format`);
      continue;
    }
    differs = true;
    const stageVars = variablesOf(stage.format ?? '');
    const readVars = variablesOf(logFormat);
    const missing = [...stageVars].filter((name) => !readVars.has(name));
    const known = formatName(stage.format);
    evidence.push(
      known !== 'custom'
        ? `${label}: writes the known format "${known}"; the processor falls back to detection and reads it as ${known}`
        : `${label}: another format; LOG_FORMAT does not match it, so its lines go to detection (JSON, known formats, Label: value) or end up raw${missing.length ? `; not in LOG_FORMAT: ${missing.join(', ')}` : ''}`,
    );
  }
  if (!differs) {
    return check(
      'stage-format',
      'ok',
      'every stage writes the format the processor reads',
      evidence,
    );
  }
  return check(
    'stage-format',
    'warn',
    "a stage's format differs from the processor's LOG_FORMAT",
    evidence,
    "deploy with LogFormat set to the stage's exact format, or point the stage at the recommended one: npm run stage-logs -- --rest-api-id <id> --stage <stage> --stream <stream>",
  );
}

interface MetricQuery {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimension[];
  readonly statistic: Statistic;
}

export async function doctor(options: DoctorOptions, clients: DoctorClients): Promise<Check[]> {
  const checks: Check[] = [];
  const stageChecks: Check[] = [];
  const add = (item: Check) => checks.push(item);
  const enrollFix = (stage = '<stage>', api = '<rest-api-id>') =>
    `npm run stage-logs -- --rest-api-id ${api} --stage ${stage} --stream ${options.stream}`;

  // The stream first: the stages, the function and the bucket are found through it.
  let stream: DeliveryStreamDescription | undefined;
  try {
    const described = await clients.firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: options.stream }),
    );
    stream = described.DeliveryStreamDescription;
    const status = stream?.DeliveryStreamStatus;
    add(
      status === 'ACTIVE'
        ? check(
            'stream',
            'ok',
            `delivery stream ${options.stream} is ACTIVE`,
            stream?.DeliveryStreamARN ?? '',
          )
        : check(
            'stream',
            'fail',
            `delivery stream ${options.stream} is ${status}, not ACTIVE`,
            stream?.DeliveryStreamARN ?? '',
            'wait for it to become ACTIVE, or see its status reason in the Firehose console',
          ),
    );
  } catch (error) {
    add(
      errorName(error) === 'ResourceNotFoundException'
        ? check(
            'stream',
            'fail',
            `no delivery stream named ${options.stream}`,
            `region ${options.region ?? 'from the environment'}`,
            'check --stream and --region, or deploy the stack: sam deploy --guided',
          )
        : couldNot('stream', 'describe the delivery stream', error),
    );
  }
  const streamArn = stream?.DeliveryStreamARN ?? '';
  const http = stream?.Destinations?.[0]?.HttpEndpointDestinationDescription as
    | (HttpEndpointDestinationDescription & { S3Configuration?: { BucketARN?: string } })
    | undefined;
  // Printed in several checks: never with a user name or password in it.
  const url = publicUrl(http?.EndpointConfiguration?.Url ?? '');

  // 1. Stages
  let logging: StageLogging[] = [];
  try {
    if (!stream) {
      stageChecks.push(
        check(
          'stages',
          'warn',
          'could not check the stages: there is no stream to log to',
          '',
          null,
        ),
      );
    } else if (options.restApiId && options.stage) {
      const stage = await clients.apiGateway.send(
        new GetStageCommand({ restApiId: options.restApiId, stageName: options.stage }),
      );
      logging = [
        {
          restApiId: options.restApiId,
          apiName: '',
          stage: options.stage,
          destinationArn: stage.accessLogSettings?.destinationArn,
          format: stage.accessLogSettings?.format,
        },
      ];
      const here = logging[0]?.destinationArn === streamArn && streamArn !== '';
      stageChecks.push(
        here
          ? check(
              'stages',
              'ok',
              `stage ${options.stage} logs to ${options.stream}`,
              `${options.restApiId} ${options.stage} → ${streamArn}`,
            )
          : check(
              'stages',
              'fail',
              `stage ${options.stage} does not log to ${options.stream}`,
              `${options.restApiId} ${options.stage} logs to ${destinationName(logging[0]?.destinationArn, streamArn)}`,
              enrollFix(options.stage, options.restApiId),
            ),
      );
      logging = here ? logging : [];
    } else {
      const all = await listStages(clients.apiGateway);
      logging = all.filter((stage) => streamArn !== '' && stage.destinationArn === streamArn);
      const rows = (options.allStages ? all : logging).map((stage) => {
        const where = destinationName(stage.destinationArn, streamArn);
        const enroll =
          stage.destinationArn === streamArn
            ? ''
            : `  (${enrollFix(stage.stage, stage.restApiId)})`;
        return `${stage.apiName} (${stage.restApiId}) ${stage.stage} → ${where}, ${formatName(stage.format)}${enroll}`;
      });
      stageChecks.push(
        logging.length > 0
          ? check(
              'stages',
              'ok',
              `${logging.length} of ${all.length} REST API stage(s) log to ${options.stream}`,
              rows,
            )
          : check(
              'stages',
              'fail',
              `no REST API stage logs to ${options.stream}`,
              rows.length ? rows : [`${all.length} REST API stage(s) in this region`],
              options.allStages
                ? `npm run stage-logs -- --all-stages --stream ${options.stream}`
                : enrollFix(),
            ),
      );
    }
  } catch (error) {
    stageChecks.push(
      errorName(error) === 'NotFoundException'
        ? check(
            'stages',
            'fail',
            `no stage ${options.stage} on REST API ${options.restApiId}`,
            '',
            'check --rest-api-id and --stage (only REST APIs log to Firehose)',
          )
        : couldNot('stages', 'list the REST API stages', error),
    );
  }

  // 2. Stream: destination, processor, role, buffer, backup, function settings
  let fn: FunctionConfiguration | undefined;
  if (stream) {
    const match = openObserveEndpoint(url);
    add(
      !http
        ? check(
            'destination',
            'fail',
            'the stream does not deliver to an HTTP endpoint',
            Object.keys(stream.Destinations?.[0] ?? {}).join(', '),
            'create the stream with this template (sam deploy), which delivers to OpenObserve',
          )
        : match
          ? check(
              'destination',
              'ok',
              `delivers to OpenObserve organization ${match.org}, stream ${match.stream}`,
              url,
            )
          : check(
              'destination',
              'fail',
              "the HTTP endpoint is not OpenObserve's Firehose endpoint",
              url,
              'set the endpoint to https://<openobserve>/aws/<org>/<stream>/_kinesis_firehose (template parameters OpenObserveEndpoint, OpenObserveOrganization, OpenObserveStream)',
            ),
    );
    const processing = http?.ProcessingConfiguration;
    const lambda = processing?.Enabled
      ? processing.Processors?.find((p) => p.Type === 'Lambda')
      : undefined;
    const functionArn = parameter(lambda, 'LambdaArn');
    const attachFix = `npm run attach -- --stream ${options.stream} --function <ProcessorFunctionArn>`;
    if (!functionArn) {
      add(
        check(
          'processor',
          'fail',
          'the stream transforms nothing: no Lambda processor is enabled',
          `ProcessingConfiguration.Enabled: ${processing?.Enabled ?? false}`,
          attachFix,
        ),
      );
    } else {
      try {
        fn = await clients.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: functionArn }),
        );
        add(
          check(
            'processor',
            'ok',
            `the processor is ${fn.FunctionName} (${fn.Runtime})`,
            functionArn,
          ),
        );
      } catch (error) {
        add(
          errorName(error) === 'ResourceNotFoundException'
            ? check(
                'processor',
                'fail',
                'the processor function does not exist',
                functionArn,
                attachFix,
              )
            : couldNot('processor', 'read the processor function', error),
        );
      }
      const roleArn = parameter(lambda, 'RoleArn') ?? http?.RoleARN;
      if (!roleArn) {
        add(
          check(
            'processor-role',
            'fail',
            'the stream has no role to invoke the processor with',
            '',
            attachFix,
          ),
        );
      } else {
        try {
          add(
            (await roleMayInvoke(clients.iam, roleArn, fn?.FunctionArn ?? functionArn))
              ? check('processor-role', 'ok', "the stream's role may invoke the processor", roleArn)
              : check(
                  'processor-role',
                  'fail',
                  "the stream's role may not invoke the processor",
                  `${roleArn} lacks lambda:InvokeFunction or lambda:GetFunctionConfiguration on ${functionArn} (its own policies; boundaries and SCPs not read)`,
                  `npm run attach -- --stream ${options.stream} --function ${functionArn}   (offers to add exactly that policy)`,
                ),
          );
        } catch (error) {
          add(couldNot('processor-role', "read the stream role's policies", error));
        }
      }
      const size = Number(parameter(lambda, 'BufferSizeInMBs') ?? '1');
      add(
        size <= 1
          ? check(
              'processor-buffer',
              'ok',
              `processor buffer ${size} MB`,
              'events are 2–3 times the lines; up to 1 MB keeps the response far under 6 MB',
            )
          : check(
              'processor-buffer',
              'warn',
              `processor buffer ${size} MB can fill Lambda's 6 MB response`,
              'records past the bound go to S3 as ProcessingFailed',
              `npm run attach -- --stream ${options.stream} --function ${functionArn} --buffer-size 1`,
            ),
      );
    }
    const bucketArn =
      http?.S3DestinationDescription?.BucketARN ?? http?.S3Configuration?.BucketARN ?? '';
    add(
      bucketArn
        ? check(
            'backup',
            'ok',
            `failed records are kept in ${bucketArn.slice(bucketArn.lastIndexOf(':') + 1)}`,
            `S3 backup mode ${http?.S3BackupMode ?? 'FailedDataOnly'}`,
          )
        : check(
            'backup',
            'fail',
            'no S3 backup: records that fail are lost',
            '',
            'deploy the stream with this template, which backs up failed records to S3',
          ),
    );
    if (fn) {
      try {
        await compileUserPatterns(readConfig(fn.Environment?.Variables ?? {}).rules).catch(
          (error: Error) => {
            throw new ConfigError(error.message);
          },
        );
        add(
          check(
            'function-settings',
            'ok',
            "the processor's settings are valid",
            `LOG_FORMAT: ${formatName(fn.Environment?.Variables?.LOG_FORMAT ?? DEFAULT_FORMAT)}`,
          ),
        );
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        add(
          check(
            'function-settings',
            'fail',
            'the processor cannot start: a setting is invalid',
            error.message,
            'fix the setting (template parameters) and deploy again',
          ),
        );
      }
    }
  }
  // The stages' formats are compared with LOG_FORMAT only when the function can start with it.
  const logFormat = fn?.Environment?.Variables?.LOG_FORMAT || DEFAULT_FORMAT;
  const settingsValid = !checks.some(
    (item) => item.id === 'function-settings' && item.status === 'fail',
  );
  checks.unshift(
    ...stageChecks,
    ...(logging.length && settingsValid ? [formatCheck(logging, logFormat)] : []),
  );

  // 3. Flow over --since
  const end = new Date(options.now);
  const start = new Date(options.now - options.sinceMs);
  const period = Math.max(60, Math.ceil(options.sinceMs / 60_000) * 60);
  const metric = async (query: MetricQuery): Promise<number | undefined> => {
    const { Datapoints } = await clients.cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: query.namespace,
        MetricName: query.name,
        Dimensions: query.dimensions,
        StartTime: start,
        EndTime: end,
        Period: period,
        Statistics: [query.statistic],
      }),
    );
    const values = (Datapoints ?? []).map((point) => point[query.statistic] ?? 0);
    if (values.length === 0) return undefined;
    if (query.statistic === 'Sum') return values.reduce((a, b) => a + b, 0);
    if (query.statistic === 'Maximum') return Math.max(...values);
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  const since = `${Math.round(options.sinceMs / 60_000)} min`;
  const show = (value: number | undefined) =>
    value === undefined ? 'no data' : String(Math.round(value * 100) / 100);
  if (stream) {
    const dimension = [{ Name: 'DeliveryStreamName', Value: options.stream }];
    const firehose = (name: string, statistic: Statistic) =>
      metric({ namespace: 'AWS/Firehose', name, dimensions: dimension, statistic });
    try {
      const incoming = await firehose('IncomingRecords', 'Sum');
      const delivered = await firehose('DeliveryToHttpEndpoint.Records', 'Sum');
      const success = await firehose('DeliveryToHttpEndpoint.Success', 'Average');
      const freshness = await firehose('DeliveryToHttpEndpoint.DataFreshness', 'Maximum');
      const evidence = [
        `IncomingRecords ${show(incoming)}, DeliveryToHttpEndpoint.Records ${show(delivered)}, .Success ${show(success)}, .DataFreshness max ${show(freshness)} s (last ${since})`,
      ];
      if (!incoming) {
        add(
          check(
            'flow',
            'warn',
            `the stream received no records in the last ${since}`,
            evidence,
            logging.length
              ? 'a stage logs to the stream: send a request to its API; if nothing arrives, check the stage in the API Gateway console (Logs/Tracing)'
              : 'no stage logs to the stream: see the stages check',
          ),
        );
      } else if (!delivered || (success !== undefined && success < 1)) {
        add(
          check(
            'flow',
            'fail',
            !delivered
              ? 'records came in and none were delivered to OpenObserve'
              : 'some deliveries to OpenObserve failed',
            evidence,
            `see the Firehose error log group /aws/kinesisfirehose/${options.stream}, then npm run doctor -- --stream ${options.stream} --probe`,
          ),
        );
      } else if (freshness !== undefined && freshness > 900) {
        add(
          check(
            'flow',
            'warn',
            'delivery is falling behind: the oldest record waited over 15 minutes',
            evidence,
            'OpenObserve answers slowly or with 503; see the Firehose error log group',
          ),
        );
      } else {
        add(
          check(
            'flow',
            'ok',
            `records flow: ${show(incoming)} in, ${show(delivered)} delivered in the last ${since}`,
            evidence,
          ),
        );
      }
    } catch (error) {
      add(couldNot('flow', "read the stream's CloudWatch metrics", error));
    }
  }
  if (fn?.FunctionName) {
    const dimensions = [{ Name: 'FunctionName', Value: fn.FunctionName }];
    const lambdaMetric = (name: string, statistic: Statistic) =>
      metric({ namespace: 'AWS/Lambda', name, dimensions, statistic });
    try {
      const errors = await lambdaMetric('Errors', 'Sum');
      const throttles = await lambdaMetric('Throttles', 'Sum');
      const duration = await lambdaMetric('Duration', 'Maximum');
      const timeoutMs = (fn.Timeout ?? 3) * 1000;
      const evidence = `Errors ${show(errors)}, Throttles ${show(throttles)}, Duration max ${show(duration)} ms of ${timeoutMs} ms (last ${since})`;
      const logs = `see /aws/lambda/${fn.FunctionName} (or its LoggingConfig log group)`;
      if (errors) {
        add(
          check(
            'function-health',
            'fail',
            'the processor failed; Firehose retried, then sent the batches to S3',
            evidence,
            logs,
          ),
        );
      } else if (throttles || (duration !== undefined && duration > 0.8 * timeoutMs)) {
        add(
          check(
            'function-health',
            'warn',
            throttles ? 'the processor was throttled' : 'the processor runs close to its timeout',
            evidence,
            throttles ? "raise the function's reserved concurrency, or the account limit" : logs,
          ),
        );
      } else {
        add(
          check('function-health', 'ok', 'the processor ran without errors or throttles', evidence),
        );
      }
    } catch (error) {
      add(couldNot('function-health', "read the function's CloudWatch metrics", error));
    }
    const variables = fn.Environment?.Variables ?? {};
    if (variables.POWERTOOLS_METRICS_DISABLED === 'true') {
      add(
        check(
          'processor-metrics',
          'warn',
          "could not read the processor's own metrics: they are off",
          'POWERTOOLS_METRICS_DISABLED=true (PublishMetrics=false)',
          null,
        ),
      );
    } else {
      const namespace = variables.POWERTOOLS_METRICS_NAMESPACE ?? 'ApiGatewayAccessLogs';
      const service = [
        { Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME ?? 'apigw-access-logs' },
      ];
      try {
        const failed = await metric({
          namespace,
          name: 'RecordsProcessingFailed',
          dimensions: service,
          statistic: 'Sum',
        });
        const unparsed = await metric({
          namespace,
          name: 'UnparsedLines',
          dimensions: service,
          statistic: 'Sum',
        });
        const evidence = `RecordsProcessingFailed ${show(failed)}, UnparsedLines ${show(unparsed)} (last ${since})`;
        if (failed) {
          add(
            check(
              'processor-metrics',
              'warn',
              'the processor returned records as ProcessingFailed; they are in S3',
              evidence,
              'see the failed-records check for the replay command',
            ),
          );
        } else if (unparsed) {
          add(
            check(
              'processor-metrics',
              'warn',
              'some lines matched no format',
              evidence,
              "set LOG_FORMAT (template parameter LogFormat) to the stage's exact format; the Pipeline tab of the dashboard shows the lines",
            ),
          );
        } else {
          add(check('processor-metrics', 'ok', 'every line was read', evidence));
        }
      } catch (error) {
        add(couldNot('processor-metrics', "read the processor's metrics", error));
      }
    }
  }

  // 4. Failed records in S3 over --since
  const bucketArn = http?.S3DestinationDescription?.BucketARN ?? http?.S3Configuration?.BucketARN;
  if (bucketArn) {
    const bucket = bucketArn.slice(bucketArn.lastIndexOf(':') + 1);
    try {
      const found: { prefix: string; keys: string[] }[] = [];
      for (const prefix of ['processing-failed/', 'http-endpoint-failed/']) {
        const keys: string[] = [];
        let token: string | undefined;
        do {
          const page = await clients.s3.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
          for (const object of page.Contents ?? []) {
            if (object.Key && (object.LastModified?.getTime() ?? 0) >= start.getTime())
              keys.push(object.Key);
          }
          token = page.NextContinuationToken;
        } while (token && keys.length < 10_000);
        found.push({ prefix, keys });
      }
      const total = found.reduce((sum, entry) => sum + entry.keys.length, 0);
      if (total === 0) {
        add(
          check(
            'failed-records',
            'ok',
            `no failed records in s3://${bucket} in the last ${since}`,
            'processing-failed/ and http-endpoint-failed/ are empty for the window',
          ),
        );
      } else {
        const codes: Record<string, number> = {};
        for (const key of found.flatMap((entry) => entry.keys).slice(0, 5)) {
          const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          let bytes = Buffer.from(
            await (
              object.Body as { transformToByteArray(): Promise<Uint8Array> }
            ).transformToByteArray(),
          );
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
          for (const line of bytes.toString('utf8').split('\n')) {
            if (!line.trim()) continue;
            try {
              const code = String((JSON.parse(line) as { errorCode?: string }).errorCode ?? 'none');
              codes[code] = (codes[code] ?? 0) + 1;
            } catch {
              codes['not a Firehose error record'] =
                (codes['not a Firehose error record'] ?? 0) + 1;
            }
          }
        }
        const prefixes = found
          .filter((entry) => entry.keys.length)
          .map((entry) => `s3://${bucket}/${entry.prefix}`);
        add(
          check(
            'failed-records',
            'fail',
            `${total} object(s) of failed records in s3://${bucket} in the last ${since}`,
            [
              ...found.map((entry) => `${entry.prefix}: ${entry.keys.length} object(s)`),
              `errorCode in a sample: ${Object.entries(codes)
                .map(([code, n]) => `${code} ${n}`)
                .join(', ')}`,
            ],
            `once the cause is fixed: npm run replay -- ${prefixes.join(' ')} --endpoint ${url || '<endpoint>'}`,
          ),
        );
      }
    } catch (error) {
      add(couldNot('failed-records', `list s3://${bucket}`, error));
    }
  }

  // 5. OpenObserve, with --probe
  if (options.probe) add(await probe(options, url));
  return checks;
}

/** Sends one marked event the way Firehose does, then looks for it in OpenObserve (§5, §6). */
async function probe(options: DoctorOptions, url: string): Promise<Check> {
  const target = openObserveEndpoint(url);
  if (!target || !options.probe) {
    return check(
      'openobserve',
      'warn',
      'could not probe OpenObserve: the stream has no OpenObserve endpoint',
      url,
      null,
    );
  }
  const { org, stream: openObserveStream } = target;
  const requestId = `doctor-probe-${randomUUID()}`;
  const sentAt = Date.now();
  const event = {
    _timestamp: sentAt * 1000,
    request_id: requestId,
    log_format: 'doctor_probe',
    message: 'npm run doctor: delivery probe',
  };
  const line = `{\t${JSON.stringify(event).slice(1)}`;
  try {
    await deliverBatch([line], {
      ...DEFAULT_DELIVERY,
      endpoint: url,
      accessKey: options.probe.accessKey,
      maxAttempts: 2,
      timeoutMs: 15_000,
    });
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof DeliveryStopped && /HTTP 40[13]/.test(message)) {
      return check(
        'openobserve',
        'fail',
        'OpenObserve refused the access key',
        message,
        "use the Access Key from OpenObserve → Data Sources → AWS (base64 of user:token), as the stack's OpenObserveAccessKey and OPENOBSERVE_ACCESS_KEY",
      );
    }
    if (error instanceof NotAcknowledged) {
      return check(
        'openobserve',
        'fail',
        "the endpoint does not answer as OpenObserve's Firehose endpoint",
        message,
        "set the stream's endpoint to the URL OpenObserve answers at itself, https://<openobserve>/aws/<org>/<stream>/_kinesis_firehose (not one that redirects or serves a page)",
      );
    }
    if (error instanceof Rejected && /HTTP 404/.test(message)) {
      return check(
        'openobserve',
        'fail',
        'OpenObserve does not know this URL or organization',
        `${url}: ${message}`,
        'check OpenObserveEndpoint and OpenObserveOrganization (the organization id, not its name)',
      );
    }
    return check(
      'openobserve',
      'fail',
      'the probe could not be delivered',
      `${url}: ${message}`,
      'check that OpenObserve is reachable from AWS at this URL',
    );
  }
  const accepted = `probe ${requestId} accepted by ${url}`;
  if (!options.probe.user) {
    return check(
      'openobserve',
      'ok',
      "OpenObserve accepted a probe event with the stream's endpoint and key",
      [accepted, 'set OPENOBSERVE_USER and OPENOBSERVE_PASSWORD to also search for it'],
    );
  }
  const api = openObserveApi(new URL(new URL(url).origin), options.probe.user);
  const search = async (sql: string) => {
    const answer = await api.request('POST', `/api/${encodeURIComponent(org)}/_search?type=logs`, {
      query: {
        sql,
        start_time: (sentAt - 24 * 3_600_000) * 1000,
        end_time: (Date.now() + 60_000) * 1000,
        from: 0,
        size: 10,
      },
    });
    return Array.isArray(answer.hits) ? (answer.hits as Record<string, unknown>[]) : [];
  };
  try {
    let found = false;
    for (let attempt = 0; attempt < 5 && !found; attempt++) {
      if (attempt)
        await (options.sleep ?? ((ms) => new Promise((wake) => setTimeout(wake, ms))))(3_000);
      found =
        (
          await search(
            `SELECT _timestamp FROM "${openObserveStream}" WHERE request_id = '${requestId}'`,
          )
        ).length > 0;
    }
    const [newest] = await search(
      `SELECT MAX(_timestamp) AS newest FROM "${openObserveStream}" WHERE log_format <> 'doctor_probe'`,
    );
    const newestMs = Number(newest?.newest ?? 0) / 1000;
    const age = newestMs
      ? `the newest event is ${Math.round((Date.now() - newestMs) / 60_000)} min old`
      : 'no other event in the last 24 hours';
    if (!found) {
      return check(
        'openobserve',
        'fail',
        'the probe was accepted but cannot be found in the stream',
        [accepted, age],
        'OpenObserve answered 200 yet kept nothing: check the stream name, and its ingest window (ZO_INGEST_ALLOWED_UPTO)',
      );
    }
    return check('openobserve', 'ok', `OpenObserve received the probe; ${age}`, [
      accepted,
      `found in ${openObserveStream}`,
    ]);
  } catch (error) {
    return check(
      'openobserve',
      'warn',
      'the probe was accepted, but searching OpenObserve failed',
      [accepted, (error as Error).message],
      'check OPENOBSERVE_USER and OPENOBSERVE_PASSWORD',
    );
  }
}

const SYMBOL: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗' };

/** The checks for people: symbol, summary, then the evidence and the fix indented. */
export function formatChecks(checks: readonly Check[]): string[] {
  return checks.flatMap((item) => [
    `${SYMBOL[item.status]} ${item.id}: ${item.summary}`,
    ...item.evidence
      .split('\n')
      .filter(Boolean)
      .map((line) => `    ${line}`),
    ...(item.fix ? [`    fix: ${item.fix}`] : []),
  ]);
}

/** `1h`, `30m`, `2d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([mhd])$/.exec(text);
  if (!match) throw new UsageError(`--since takes a duration like 30m, 1h or 2d; got "${text}"`);
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}

export const command: Command = {
  usage:
    'usage: npm run doctor -- --stream NAME [--region R] [--rest-api-id ID --stage S | --all-stages] [--since 1h] [--probe] [--json]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        stream: { type: 'string' },
        region: { type: 'string' },
        'rest-api-id': { type: 'string' },
        stage: { type: 'string' },
        'all-stages': { type: 'boolean', default: false },
        since: { type: 'string', default: '1h' },
        probe: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.stream) throw new UsageError('--stream is required');
    if (Boolean(values['rest-api-id']) !== Boolean(values.stage)) {
      throw new UsageError('--rest-api-id and --stage go together');
    }
    if (values['all-stages'] && values.stage) {
      throw new UsageError('--all-stages or one stage, not both');
    }
    const sinceMs = parseDuration(values.since);
    let probeOptions: DoctorOptions['probe'];
    if (values.probe) {
      const accessKey =
        process.env.OPENOBSERVE_ACCESS_KEY ||
        (await askHidden(
          'OpenObserve Access Key: ',
          'set OPENOBSERVE_ACCESS_KEY for --probe (OpenObserve → Data Sources → AWS → Access Key)',
        ));
      const { OPENOBSERVE_USER: user, OPENOBSERVE_PASSWORD: password } = process.env;
      probeOptions = { accessKey, user: user && password ? { user, password } : undefined };
    }
    const checks = await doctor(
      {
        stream: values.stream,
        region: values.region,
        restApiId: values['rest-api-id'],
        stage: values.stage,
        allStages: values['all-stages'],
        sinceMs,
        probe: probeOptions,
        now: Date.now(),
      },
      awsClients(values.region),
    );
    if (values.json) printJson(checks);
    else for (const line of formatChecks(checks)) console.log(line);
    return checks.some((item) => item.status === 'fail') ? 1 : 0;
  },
};
