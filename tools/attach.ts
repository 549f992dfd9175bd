/**
 * Adds or replaces this function as the Lambda processor of an existing delivery stream, keeping
 * every other setting (UpdateDestination merges what it is given into the current destination),
 * and makes sure the stream's role may invoke the function (docs/contracts.md §3). `detach` removes it.
 */
import { parseArgs } from 'node:util';
import {
  type DeliveryStreamDescription,
  DescribeDeliveryStreamCommand,
  type FirehoseClient,
  type ProcessingConfiguration,
  type Processor,
  type ProcessorParameter,
  UpdateDestinationCommand,
} from '@aws-sdk/client-firehose';
import { type IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { type AwsClients, awsClients, errorName } from './shared/aws';
import { type Command, numberOption, UsageError } from './shared/command';
import { policiesAllow, roleNameOf, rolePolicies } from './shared/iam-policy';
import { type Io, Refused, terminalIo } from './shared/prompt';

export interface AttachOptions {
  readonly stream: string;
  /** Function name or ARN. */
  readonly functionName: string;
  readonly bufferSizeMB?: number;
  readonly bufferIntervalSeconds?: number;
  readonly detach?: boolean;
}

export interface AttachClients {
  readonly firehose: FirehoseClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
}

/** Destination kinds this command updates: description field → update field. */
const DESTINATIONS = [
  ['HttpEndpointDestinationDescription', 'HttpEndpointDestinationUpdate', 'HTTP endpoint'],
  ['ExtendedS3DestinationDescription', 'ExtendedS3DestinationUpdate', 'Amazon S3'],
] as const;

/** The actions Firehose needs on a processor (§3). */
export const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'];

/** Events are 2–3 times the size of the lines; above 1 MB the 6 MB response may fill (§3). */
const DEFAULT_BUFFER_MB = '1';
const DEFAULT_INTERVAL_SECONDS = '60';

async function describe(
  firehose: FirehoseClient,
  stream: string,
): Promise<DeliveryStreamDescription> {
  try {
    const { DeliveryStreamDescription } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: stream }),
    );
    if (!DeliveryStreamDescription)
      throw new Refused(`no description for delivery stream ${stream}`);
    return DeliveryStreamDescription;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new Refused(`no delivery stream named ${stream} in this account and region`);
    }
    throw error;
  }
}

/** A processor parameter's value (`LambdaArn`, `BufferSizeInMBs`, `RoleArn`, …). */
export const parameter = (processor: Processor | undefined, name: string) =>
  processor?.Parameters?.find((p) => p.ParameterName === name)?.ParameterValue;

/** Whether a role's own policies let Firehose call the function as a processor (§3). */
export async function roleMayInvoke(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<boolean> {
  const documents = await rolePolicies(iam, roleArn);
  return INVOKE_ACTIONS.every((action) => policiesAllow(documents, action, functionArn));
}

/** LambdaArn without a version or alias qualifier. */
const unqualified = (arn: string | undefined) => arn?.split(':').slice(0, 7).join(':');

function describeProcessing(config: ProcessingConfiguration | undefined): string {
  const lambda = config?.Enabled ? config.Processors?.find((p) => p.Type === 'Lambda') : undefined;
  if (!lambda) return 'none';
  const size = parameter(lambda, 'BufferSizeInMBs') ?? '(default 1)';
  const interval = parameter(lambda, 'BufferIntervalInSeconds') ?? '(default 60)';
  return `${parameter(lambda, 'LambdaArn')} (buffer ${size} MB / ${interval} s)`;
}

export async function attachProcessor(
  options: AttachOptions,
  clients: AttachClients,
  io: Io,
): Promise<{ changed: boolean }> {
  const stream = await describe(clients.firehose, options.stream);
  if (stream.DeliveryStreamStatus !== 'ACTIVE') {
    throw new Refused(
      `delivery stream ${options.stream} is ${stream.DeliveryStreamStatus}, not ACTIVE`,
    );
  }
  const destination = stream.Destinations?.[0];
  const kind = DESTINATIONS.find(([field]) => destination?.[field] !== undefined);
  if (!destination || !kind) {
    const found = Object.keys(destination ?? {}).filter((key) => key !== 'DestinationId');
    throw new Refused(
      `delivery stream ${options.stream} has a ${found.join(', ') || 'missing'} destination; this command updates HTTP endpoint and Amazon S3 destinations only`,
    );
  }
  const [descriptionField, updateField, kindName] = kind;
  const current = destination[descriptionField] as {
    ProcessingConfiguration?: ProcessingConfiguration;
    RoleARN?: string;
    EndpointConfiguration?: { Url?: string };
  };

  let functionArn: string;
  try {
    const fn = await clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: options.functionName }),
    );
    functionArn = fn.FunctionArn as string;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new Refused(`no Lambda function ${options.functionName} in this account and region`);
    }
    throw error;
  }
  const streamRegion = stream.DeliveryStreamARN?.split(':')[3];
  if (functionArn.split(':')[3] !== streamRegion) {
    throw new Refused(`function ${functionArn} is not in the stream's region ${streamRegion}`);
  }

  const processors = current.ProcessingConfiguration?.Processors ?? [];
  const ours = (p: Processor) =>
    p.Type === 'Lambda' && unqualified(parameter(p, 'LambdaArn')) === unqualified(functionArn);
  const existingLambda = processors.find((p) => p.Type === 'Lambda');
  let next: ProcessingConfiguration;
  if (options.detach) {
    if (!processors.some(ours)) {
      io.log(`${functionArn} is not a processor of ${options.stream}: nothing to change.`);
      return { changed: false };
    }
    const remaining = processors.filter((p) => !ours(p));
    next = { Enabled: remaining.some((p) => p.Type === 'Lambda'), Processors: remaining };
  } else {
    const keep = (existingLambda?.Parameters ?? []).filter(
      (p) =>
        !['LambdaArn', 'BufferSizeInMBs', 'BufferIntervalInSeconds'].includes(
          p.ParameterName ?? '',
        ),
    );
    const parameters: ProcessorParameter[] = [
      { ParameterName: 'LambdaArn', ParameterValue: functionArn },
      {
        ParameterName: 'BufferSizeInMBs',
        ParameterValue:
          options.bufferSizeMB !== undefined
            ? String(options.bufferSizeMB)
            : (parameter(existingLambda, 'BufferSizeInMBs') ?? DEFAULT_BUFFER_MB),
      },
      {
        ParameterName: 'BufferIntervalInSeconds',
        ParameterValue:
          options.bufferIntervalSeconds !== undefined
            ? String(options.bufferIntervalSeconds)
            : (parameter(existingLambda, 'BufferIntervalInSeconds') ?? DEFAULT_INTERVAL_SECONDS),
      },
      ...keep,
    ];
    next = {
      Enabled: true,
      Processors: [
        ...processors.filter((p) => p.Type !== 'Lambda'),
        { Type: 'Lambda', Parameters: parameters },
      ],
    };
  }

  const before = describeProcessing(current.ProcessingConfiguration);
  const after = describeProcessing(next);
  const processingChanges = before !== after;

  const roleArn =
    parameter(
      next.Processors?.find((p) => p.Type === 'Lambda'),
      'RoleArn',
    ) ?? current.RoleARN;
  let grant = false;
  if (!options.detach) {
    if (!roleArn)
      throw new Refused(
        `delivery stream ${options.stream} has no role to invoke the function with`,
      );
    grant = !(await roleMayInvoke(clients.iam, roleArn, functionArn));
  }

  io.log(
    `Delivery stream ${options.stream} (${kindName} destination${current.EndpointConfiguration?.Url ? ` ${current.EndpointConfiguration.Url}` : ''})`,
  );
  const url = current.EndpointConfiguration?.Url;
  if (url && !url.endsWith('/_kinesis_firehose')) {
    io.log(
      `  warning: ${url} does not look like OpenObserve's Firehose endpoint (…/_kinesis_firehose)`,
    );
  }
  const size = Number(
    parameter(
      next.Processors?.find((p) => p.Type === 'Lambda'),
      'BufferSizeInMBs',
    ),
  );
  if (!options.detach && size > 1) {
    io.log(
      `  warning: a ${size} MB processor buffer can fill Lambda's 6 MB response; records past it go to S3`,
    );
  }
  io.log(`  processor: ${before}`);
  io.log(`         →  ${processingChanges ? after : 'unchanged'}`);
  if (grant) {
    io.log(
      `  role ${roleArn}: add inline policy allowing ${INVOKE_ACTIONS.join(', ')} on ${functionArn}`,
    );
  } else if (!options.detach) {
    io.log(`  role ${roleArn}: already allows ${INVOKE_ACTIONS.join(', ')}`);
  }
  if (!processingChanges && !grant) {
    io.log('Nothing to change.');
    return { changed: false };
  }
  if (!(await io.confirm('Apply these changes?'))) {
    io.log('Nothing changed.');
    return { changed: false };
  }

  if (grant && roleArn) {
    const functionName = functionArn.split(':')[6] as string;
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleNameOf(roleArn),
        PolicyName: `invoke-${functionName}`.slice(0, 128),
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: INVOKE_ACTIONS,
              Resource: [functionArn, `${functionArn}:*`],
            },
          ],
        }),
      }),
    );
    io.log(`Granted ${roleNameOf(roleArn)} permission to invoke ${functionName}.`);
  }
  if (processingChanges) {
    try {
      await clients.firehose.send(
        new UpdateDestinationCommand({
          DeliveryStreamName: options.stream,
          CurrentDeliveryStreamVersionId: stream.VersionId,
          DestinationId: destination.DestinationId,
          [updateField]: { ProcessingConfiguration: next },
        }),
      );
    } catch (error) {
      if (errorName(error) === 'ConcurrentModificationException') {
        throw new Refused(
          `delivery stream ${options.stream} changed while this ran; run the command again`,
        );
      }
      throw error;
    }
    const updated = await describe(clients.firehose, options.stream);
    const processing = (updated.Destinations?.[0]?.[descriptionField] as typeof current)
      ?.ProcessingConfiguration;
    io.log(
      `${options.detach ? 'Detached' : 'Attached'}: processor is now ${describeProcessing(processing)}.`,
    );
  }
  return { changed: true };
}

export const command: Command = {
  usage:
    'usage: npm run attach -- --stream <delivery-stream> --function <name|arn> [--buffer-size 1] [--buffer-interval 60] [--region r] [--yes] [--detach]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        stream: { type: 'string' },
        function: { type: 'string' },
        'buffer-size': { type: 'string' },
        'buffer-interval': { type: 'string' },
        region: { type: 'string' },
        yes: { type: 'boolean', default: false },
        detach: { type: 'boolean', default: false },
      },
    });
    if (!values.stream || !values.function)
      throw new UsageError('--stream and --function are required');
    const optional = (name: string, text: string | undefined, max: number) =>
      text === undefined ? undefined : numberOption(name, text, 0, max);
    const clients: AwsClients = awsClients(values.region);
    await attachProcessor(
      {
        stream: values.stream,
        functionName: values.function,
        bufferSizeMB: optional('buffer-size', values['buffer-size'], 3),
        bufferIntervalSeconds: optional('buffer-interval', values['buffer-interval'], 900),
        detach: values.detach,
      },
      clients,
      terminalIo(values.yes),
    );
    return 0;
  },
};
