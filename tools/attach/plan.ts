/**
 * What `npm run attach` changes, planned from what it reads first: the stream's processing
 * configuration with this function as its Lambda processor (or without it), and the stream's role
 * allowed to invoke it (docs/contracts.md §3).
 */
import {
  type FirehoseClient,
  type ProcessingConfiguration,
  type Processor,
  type ProcessorParameter,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { errorName } from '../aws/clients';
import {
  grantInvoke,
  hasInvokeGrant,
  INVOKE_ACTIONS,
  invokePolicyName,
  revokeInvoke,
  roleMayInvoke,
} from '../aws/iam';
import { findFunction, notTheProcessor } from '../aws/lambda';
import {
  decompresses,
  lambdaProcessor,
  parameter,
  requireStream,
  type StreamFacts,
} from '../aws/stream';
import { RefusedError } from '../cli/errors';
import type { Change, Plan } from '../cli/plan';
import { publicUrl } from '../cli/url';

export interface AttachOptions {
  /** The stream's name. */
  readonly stream: string;
  /** `--stream` as given: an ARN there must be the stream found (requireStream). */
  readonly given?: string;
  /** Function name or ARN. */
  readonly functionName: string;
  readonly bufferSizeMB?: number;
  readonly bufferIntervalSeconds?: number;
  readonly detach?: boolean;
  /** Turn Firehose's own CloudWatch Logs decompression (and its message extraction) off. */
  readonly noDecompression?: boolean;
}

export interface AttachClients {
  readonly firehose: FirehoseClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
}

/**
 * The processor's events are 2–3 times the size of their lines; above 1 MB of records, Lambda's
 * 6 MB response (docs/contracts.md §3) may fill.
 */
const DEFAULT_BUFFER_MB = 1;
const DEFAULT_INTERVAL_SECONDS = 60;

/** LambdaArn without a version or alias qualifier. */
const unqualified = (arn: string | undefined) => arn?.split(':').slice(0, 7).join(':');

function describeProcessing(config: ProcessingConfiguration | undefined): string {
  const lambda = lambdaProcessor(config);
  const decompression = decompresses(config) ? ', CloudWatch Logs decompression on' : '';
  if (!lambda) return `none${decompression}`;
  const size = parameter(lambda, 'BufferSizeInMBs') ?? '(default 1)';
  const interval = parameter(lambda, 'BufferIntervalInSeconds') ?? '(default 60)';
  return `${parameter(lambda, 'LambdaArn')} (buffer ${size} MB / ${interval} s)${decompression}`;
}

/**
 * Firehose's CloudWatch Logs decompression, and the message extraction that needs it: the
 * processor inflates CloudWatch Logs records itself (docs/contracts.md §3.1).
 */
const DECOMPRESSION_TYPES = ['Decompression', 'CloudWatchLogProcessing'];

/** The stream, refused unless it is ACTIVE with a destination this command updates. */
async function updatableStream(
  firehose: FirehoseClient,
  name: string,
  given: string | undefined,
): Promise<StreamFacts> {
  const stream = await requireStream(firehose, name, given);
  if (stream.status !== 'ACTIVE') {
    throw new RefusedError(`delivery stream ${name} is ${stream.status}, not ACTIVE`);
  }
  if (!stream.kind) {
    const found = Object.keys(stream.destination ?? {}).filter((key) => key !== 'DestinationId');
    throw new RefusedError(
      `delivery stream ${name} has a ${found.join(', ') || 'missing'} destination; this command updates HTTP endpoint and Amazon S3 destinations only`,
    );
  }
  return stream;
}

/**
 * The qualifier a function's name or ARN ends with (`processor:live`, `…:function:processor:3`),
 * or undefined for an unqualified one.
 */
function qualifierOf(name: string): string | undefined {
  const parts = name.split(':');
  if (name.startsWith('arn:')) return parts[7];
  // name:qualifier, or account:function:name[:qualifier]
  return parts.length === 2 ? parts[1] : parts[3];
}

/**
 * The function's ARN as given: unqualified, or with the alias or version named. Lambda answers
 * for an alias with the version it points to; the stream is to invoke the alias, which later
 * deploys move, not that version. Refused unless the function exists in the stream's region.
 */
async function functionIn(
  lambda: LambdaClient,
  name: string,
  region: string,
  processorOnly = false,
): Promise<string> {
  const fn = await findFunction(lambda, name);
  if (!fn?.FunctionArn) {
    throw new RefusedError(`no Lambda function ${name} in this account and region`);
  }
  const other = processorOnly ? notTheProcessor(fn) : undefined;
  if (other) {
    throw new RefusedError(
      `function ${fn.FunctionName} is not the access-log processor: ${other}; give the stack's ProcessorFunctionArn output`,
    );
  }
  if (fn.FunctionArn.split(':')[3] !== region) {
    throw new RefusedError(`function ${fn.FunctionArn} is not in the stream's region ${region}`);
  }
  const arn = unqualified(fn.FunctionArn) as string;
  const qualifier = qualifierOf(name);
  return qualifier ? `${arn}:${qualifier}` : arn;
}

/**
 * The function to detach: as for attach when it exists; when it is gone (its stack deleted, which
 * is when its batches start failing), the stream's Lambda processor of that name or ARN.
 */
async function detachedFunction(
  lambda: LambdaClient,
  name: string,
  stream: StreamFacts,
): Promise<string> {
  const fn = await findFunction(lambda, name);
  if (fn?.FunctionArn) return functionIn(lambda, name, stream.region);
  const listed = (stream.settings.ProcessingConfiguration?.Processors ?? [])
    .filter((p) => p.Type === 'Lambda')
    .map((p) => unqualified(parameter(p, 'LambdaArn')) ?? '')
    .find((arn) => arn === unqualified(name) || arn.split(':')[6] === name);
  if (!listed) {
    throw new RefusedError(
      `no Lambda function ${name} in this account and region, and no processor of the stream by that name or ARN`,
    );
  }
  return listed;
}

/** The processing configuration with this function as its Lambda processor. */
function attached(
  options: AttachOptions,
  processors: readonly Processor[],
  functionArn: string,
): ProcessingConfiguration {
  const existing = processors.find((p) => p.Type === 'Lambda');
  const kept = (existing?.Parameters ?? []).filter(
    (p) =>
      !['LambdaArn', 'BufferSizeInMBs', 'BufferIntervalInSeconds'].includes(p.ParameterName ?? ''),
  );
  const value = (name: string, given: number | undefined, fallback: number) =>
    given !== undefined ? String(given) : (parameter(existing, name) ?? String(fallback));
  const parameters: ProcessorParameter[] = [
    { ParameterName: 'LambdaArn', ParameterValue: functionArn },
    {
      ParameterName: 'BufferSizeInMBs',
      ParameterValue: value('BufferSizeInMBs', options.bufferSizeMB, DEFAULT_BUFFER_MB),
    },
    {
      ParameterName: 'BufferIntervalInSeconds',
      ParameterValue: value(
        'BufferIntervalInSeconds',
        options.bufferIntervalSeconds,
        DEFAULT_INTERVAL_SECONDS,
      ),
    },
    ...kept,
  ];
  const others = processors.filter(
    (p) =>
      p.Type !== 'Lambda' &&
      !(options.noDecompression && DECOMPRESSION_TYPES.includes(p.Type ?? '')),
  );
  return { Enabled: true, Processors: [...others, { Type: 'Lambda', Parameters: parameters }] };
}

/**
 * The processing configuration without this function. Firehose's own processors left (a
 * delimiter, decompression) keep working as they did: processing turned off stays off.
 */
function detached(
  current: ProcessingConfiguration | undefined,
  functionArn: string,
): ProcessingConfiguration {
  const remaining = (current?.Processors ?? []).filter(
    (p) =>
      !(p.Type === 'Lambda' && unqualified(parameter(p, 'LambdaArn')) === unqualified(functionArn)),
  );
  return { Enabled: current?.Enabled === true && remaining.length > 0, Processors: remaining };
}

/** The lines shown before the question: the stream, warnings, the processor before and after. */
function shows(
  options: AttachOptions,
  stream: StreamFacts,
  next: ProcessingConfiguration,
  before: string,
  after: string,
) {
  // Without a user name or password the URL may hold (they would be on the terminal).
  const endpoint = stream.settings.EndpointConfiguration?.Url;
  const url = endpoint && publicUrl(endpoint);
  const lines = [
    `Delivery stream ${options.stream} (${stream.kind?.[2]} destination${url ? ` ${url}` : ''})`,
  ];
  if (url && !endpoint?.endsWith('/_kinesis_firehose')) {
    lines.push(
      `  warning: ${url} does not look like OpenObserve's Firehose endpoint (…/_kinesis_firehose)`,
    );
  }
  // As the stream will be: processing turned on by attach turns on what it lists too.
  if (decompresses(next)) {
    const off = options.detach
      ? 'attach with --no-decompression turns it off'
      : '--no-decompression turns it off';
    lines.push(
      `  warning: CloudWatch Logs decompression is on: the stream takes CloudWatch Logs subscriptions only; API Gateway access logs and execution-log deliveries sent to it fail (${off}; the processor inflates CloudWatch Logs records itself)`,
    );
  }
  lines.push(`  processor: ${before}`, `         →  ${before !== after ? after : 'unchanged'}`);
  return lines;
}

function updateChange(
  clients: AttachClients,
  options: AttachOptions,
  stream: StreamFacts,
  next: ProcessingConfiguration,
): Change {
  return {
    describe: `processor of ${options.stream} → ${describeProcessing(next)}`,
    async apply() {
      try {
        await clients.firehose.send(
          new UpdateDestinationCommand({
            DeliveryStreamName: options.stream,
            CurrentDeliveryStreamVersionId: stream.versionId,
            DestinationId: stream.destination?.DestinationId,
            [stream.kind?.[1] as string]: { ProcessingConfiguration: next },
          }),
        );
      } catch (error) {
        if (errorName(error) === 'ConcurrentModificationException') {
          throw new RefusedError(
            `delivery stream ${options.stream} changed while this ran; run the command again`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}

/** What attach (or detach) would change: read first, nothing changed. */
export async function planAttach(options: AttachOptions, clients: AttachClients): Promise<Plan> {
  const stream = await updatableStream(clients.firehose, options.stream, options.given);
  const functionArn = options.detach
    ? await detachedFunction(clients.lambda, options.functionName, stream)
    : await functionIn(clients.lambda, options.functionName, stream.region, true);
  const current = stream.settings.ProcessingConfiguration;
  const next = options.detach
    ? detached(current, functionArn)
    : attached(options, current?.Processors ?? [], functionArn);
  const before = describeProcessing(current);
  const after = describeProcessing(next);
  const lines = shows(options, stream, next, before, after);
  const size = Number(parameter(lambdaProcessor(next), 'BufferSizeInMBs'));
  if (!options.detach && size > 1) {
    lines.splice(
      -2,
      0,
      `  warning: a ${size} MB processor buffer can fill Lambda's 6 MB response; records past it go to S3`,
    );
  }
  const changes: Change[] = [];
  const roleArn = parameter(lambdaProcessor(next), 'RoleArn') ?? stream.settings.RoleARN;
  if (!options.detach) {
    if (!roleArn) {
      throw new RefusedError(
        `delivery stream ${options.stream} has no role to invoke the function with`,
      );
    }
    const may = await roleMayInvoke(clients.iam, roleArn, functionArn);
    lines.push(
      may
        ? `  role ${roleArn}: already allows ${INVOKE_ACTIONS.join(', ')}`
        : `  role ${roleArn}: add inline policy allowing ${INVOKE_ACTIONS.join(', ')} on ${functionArn}`,
    );
    if (!may) {
      changes.push({
        describe: `role ${roleArn}: may invoke ${functionArn}`,
        apply: () => grantInvoke(clients.iam, roleArn, functionArn),
      });
    }
  }
  if (before !== after) changes.push(updateChange(clients, options, stream, next));
  if (options.detach && before !== after) {
    // The grant attach added, named for the function: it would let the role invoke it for good.
    const role = parameter(lambdaProcessor(current), 'RoleArn') ?? stream.settings.RoleARN;
    if (role && (await hasInvokeGrant(clients.iam, role, functionArn))) {
      lines.push(
        `  role ${role}: remove inline policy ${invokePolicyName(functionArn)} (attach added it)`,
      );
      changes.push({
        describe: `role ${role}: may no longer invoke ${functionArn}`,
        apply: () => revokeInvoke(clients.iam, role, functionArn),
      });
    }
  }
  return {
    shows: lines,
    changes,
    nothingToChange:
      options.detach && before === after
        ? `${functionArn} is not a processor of ${options.stream}: nothing to change.`
        : 'Nothing to change.',
    readBack: () => readBack(options, clients, { after, roleArn, functionArn }),
  };
}

/** The processor and the role as they read after the changes. */
async function readBack(
  options: AttachOptions,
  clients: AttachClients,
  planned: { after: string; roleArn?: string; functionArn: string },
) {
  const stream = await requireStream(clients.firehose, options.stream);
  const now = describeProcessing(stream.settings.ProcessingConfiguration);
  const mismatches =
    now === planned.after ? [] : [`processor reads back as ${now}, not ${planned.after}`];
  if (
    !options.detach &&
    planned.roleArn &&
    !(await roleMayInvoke(clients.iam, planned.roleArn, planned.functionArn))
  ) {
    mismatches.push(`role ${planned.roleArn} still may not invoke ${planned.functionArn}`);
  }
  return {
    mismatches,
    shows: [`${options.detach ? 'Detached' : 'Attached'}: processor is now ${now}.`],
  };
}
