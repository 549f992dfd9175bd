import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  type ProcessingConfiguration,
} from '@aws-sdk/client-firehose';
import {
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  DeleteFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { type AttachClients, type AttachOptions, planAttach } from '../../../tools/attach/plan';
import { grantInvoke, roleMayInvoke } from '../../../tools/aws/iam';
import { RefusedError as Refused } from '../../../tools/cli/errors';
import type { Io } from '../../../tools/cli/io';
import { runPlan } from '../../../tools/cli/plan';
import {
  createFunction,
  createHttpStream,
  createRole,
  ENDPOINT as URL,
} from '../../support/aws-fixtures';
import { scriptedIo } from '../../support/io';
import { type Moto, startMoto } from '../../support/moto';

/** The command's plan through the one runner: changed when anything was applied. */
async function attachProcessor(options: AttachOptions, clients: AttachClients, io: Io) {
  const result = await runPlan(await planAttach(options, clients), io);
  expect(result.mismatches).toEqual([]);
  return { changed: result.changed };
}

let moto: Moto;
let clients: { firehose: FirehoseClient; lambda: LambdaClient; iam: IAMClient };

beforeAll(async () => {
  moto = await startMoto();
  clients = {
    firehose: new FirehoseClient(moto.clientConfig),
    lambda: new LambdaClient(moto.clientConfig),
    iam: new IAMClient(moto.clientConfig),
  };
}, 60_000);
afterAll(() => moto.stop());

const role = (name: string, service?: string) => createRole(clients.iam, name, service);
const lambdaFunction = (name: string) => createFunction(clients, name);
const stream = (name: string, roleArn: string, processing?: ProcessingConfiguration) =>
  createHttpStream(clients.firehose, name, roleArn, { processing });

async function destinationOf(name: string) {
  const { DeliveryStreamDescription } = await clients.firehose.send(
    new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
  );
  return {
    version: DeliveryStreamDescription?.VersionId,
    http: DeliveryStreamDescription?.Destinations?.[0]
      ?.HttpEndpointDestinationDescription as Record<
      string,
      // biome-ignore lint/suspicious/noExplicitAny: moto echoes the configuration it was given
      any
    >,
  };
}

const lambdaParameters = (processing: ProcessingConfiguration | undefined) =>
  Object.fromEntries(
    (processing?.Processors?.find((p) => p.Type === 'Lambda')?.Parameters ?? []).map((p) => [
      p.ParameterName,
      p.ParameterValue,
    ]),
  );

/** Firehose's own CloudWatch Logs decompression with message extraction (docs/contracts.md §3.1). */
const DECOMPRESSING: ProcessingConfiguration = {
  Enabled: true,
  Processors: [
    {
      Type: 'Decompression',
      Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }],
    },
    {
      Type: 'CloudWatchLogProcessing',
      Parameters: [{ ParameterName: 'DataMessageExtraction', ParameterValue: 'true' }],
    },
  ],
};

describe('attachProcessor (against moto)', () => {
  beforeEach(() => moto.reset());

  it('adds the processor, grants the role what it needs, and keeps every other setting', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const io = scriptedIo(true);

    await expect(
      attachProcessor({ stream: 'amazon-apigateway-logs', functionName: 'processor' }, clients, io),
    ).resolves.toEqual({ changed: true });

    expect(io.asked).toBe(1);
    expect(io.lines.join('\n')).toContain(`add inline policy allowing lambda:InvokeFunction`);
    const { http, version } = await destinationOf('amazon-apigateway-logs');
    expect(version).toBe('2');
    expect(http.ProcessingConfiguration.Enabled).toBe(true);
    expect(lambdaParameters(http.ProcessingConfiguration)).toEqual({
      LambdaArn: functionArn,
      BufferSizeInMBs: '1',
      BufferIntervalInSeconds: '60',
    });
    expect(http.EndpointConfiguration.Url).toBe(URL);
    expect(http.BufferingHints).toEqual({ SizeInMBs: 5, IntervalInSeconds: 60 });
    expect(http.RetryOptions).toEqual({ DurationInSeconds: 600 });
    const policies = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'delivery' }));
    expect(policies.PolicyNames).toEqual([expect.stringMatching(/^invoke-processor-[0-9a-f]{8}$/)]);
    const resources = async (name: string) => {
      const policy = await clients.iam.send(
        new GetRolePolicyCommand({ RoleName: 'delivery', PolicyName: name }),
      );
      return JSON.parse(decodeURIComponent(policy.PolicyDocument as string)).Statement[0].Resource;
    };
    const name = policies.PolicyNames?.[0] as string;
    expect(await resources(name)).toEqual([functionArn, `${functionArn}:*`]);

    // A function of the same name in another region gets a grant of its own beside this one.
    const west = functionArn.replace('us-east-1', 'us-west-2');
    await grantInvoke(clients.iam, roleArn, west);
    const both = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'delivery' }));
    expect(both.PolicyNames).toHaveLength(2);
    expect(await resources(name)).toEqual([functionArn, `${functionArn}:*`]);
  });

  it('warns of CloudWatch Logs decompression, and turns it off with --no-decompression (docs/contracts.md §3.1)', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn, DECOMPRESSING);
    const warned = scriptedIo(true);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor' },
      clients,
      warned,
    );
    expect(warned.lines.join('\n')).toContain(
      'warning: CloudWatch Logs decompression is on: the stream takes CloudWatch Logs subscriptions only',
    );
    expect((await destinationOf('amazon-apigateway-logs')).http.ProcessingConfiguration).toEqual({
      Enabled: true,
      Processors: [
        ...(DECOMPRESSING.Processors ?? []),
        expect.objectContaining({ Type: 'Lambda' }),
      ],
    });

    const off = scriptedIo(true);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', noDecompression: true },
      clients,
      off,
    );
    expect(off.lines.join('\n')).not.toContain('warning: CloudWatch Logs decompression');
    expect(off.lines).toContainEqual(
      expect.stringContaining(
        `processor of amazon-apigateway-logs → ${functionArn} (buffer 1 MB / 60 s)`,
      ),
    );
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(http.ProcessingConfiguration.Processors.map((p: { Type: string }) => p.Type)).toEqual([
      'Lambda',
    ]);
  });

  it('changes nothing when the answer is no', async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const io = scriptedIo(false);
    await expect(
      attachProcessor({ stream: 'amazon-apigateway-logs', functionName: 'processor' }, clients, io),
    ).resolves.toEqual({ changed: false });
    const { http, version } = await destinationOf('amazon-apigateway-logs');
    expect(version).toBe('1');
    expect(http.ProcessingConfiguration).toBeUndefined();
    const policies = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'delivery' }));
    expect(policies.PolicyNames).toEqual([]);
  });

  it('replaces another Lambda processor, keeping its retries and buffer, without a new grant when the role already allows', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'delivery',
        PolicyName: 'invoke-all-processors',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:*',
              Resource: 'arn:aws:lambda:us-east-1:*:function:*',
            },
          ],
        }),
      }),
    );
    await stream('amazon-apigateway-logs', roleArn, {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: [
            {
              ParameterName: 'LambdaArn',
              ParameterValue: 'arn:aws:lambda:us-east-1:123456789012:function:old',
            },
            { ParameterName: 'NumberOfRetries', ParameterValue: '5' },
            { ParameterName: 'BufferSizeInMBs', ParameterValue: '0.5' },
          ],
        },
      ],
    });
    const io = scriptedIo(true);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: functionArn },
      clients,
      io,
    );
    expect(io.lines.join('\n')).toContain('already allows');
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(lambdaParameters(http.ProcessingConfiguration)).toEqual({
      LambdaArn: functionArn,
      BufferSizeInMBs: '0.5',
      BufferIntervalInSeconds: '60',
      NumberOfRetries: '5',
    });
    const policies = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'delivery' }));
    expect(policies.PolicyNames).toEqual(['invoke-all-processors']);
  });

  it('asks nothing when the processor is already attached and allowed, and detaches on request', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor' },
      clients,
      scriptedIo(true),
    );

    const again = scriptedIo(true);
    await expect(
      attachProcessor(
        { stream: 'amazon-apigateway-logs', functionName: functionArn },
        clients,
        again,
      ),
    ).resolves.toEqual({ changed: false });
    expect(again.asked).toBe(0);
    expect(again.lines).toContain('Nothing to change.');

    // A policy of the role's own, besides the grant attach added.
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'delivery',
        PolicyName: 'team-policy',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      }),
    );
    const detaching = scriptedIo(true);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', detach: true },
      clients,
      detaching,
    );
    expect(detaching.lines.join('\n')).toMatch(
      /role arn:aws:iam::\d+:role\/delivery: remove inline policy invoke-processor-[0-9a-f]{8} \(attach added it\)/,
    );
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(http.ProcessingConfiguration).toEqual({ Enabled: false, Processors: [] });
    // The grant is gone with the processor: the role no longer may invoke it; the team's stays.
    const left = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'delivery' }));
    expect(left.PolicyNames).toEqual(['team-policy']);
    expect(await roleMayInvoke(clients.iam, roleArn, functionArn)).toBe(false);
  });

  it('keeps the alias it is given: the stream invokes the alias, which a deploy moves, not its version now', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    const version = await clients.lambda.send(
      new PublishVersionCommand({ FunctionName: 'processor' }),
    );
    await clients.lambda.send(
      new CreateAliasCommand({
        FunctionName: 'processor',
        Name: 'live',
        FunctionVersion: version.Version as string,
      }),
    );
    await stream('amazon-apigateway-logs', roleArn);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor:live' },
      clients,
      scriptedIo(true),
    );
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(lambdaParameters(http.ProcessingConfiguration).LambdaArn).toBe(`${functionArn}:live`);
    // Given as the stream names it, it is attached already, and detached by it.
    const again = scriptedIo(true);
    await expect(
      attachProcessor(
        { stream: 'amazon-apigateway-logs', functionName: `${functionArn}:live` },
        clients,
        again,
      ),
    ).resolves.toEqual({ changed: false });
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: `${functionArn}:live`, detach: true },
      clients,
      scriptedIo(true),
    );
    expect((await destinationOf('amazon-apigateway-logs')).http.ProcessingConfiguration).toEqual({
      Enabled: false,
      Processors: [],
    });
  });

  it("never prints a user name or password the stream's endpoint URL holds", async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await createHttpStream(clients.firehose, 'amazon-apigateway-logs', roleArn, {
      url: 'https://user%40x.com:S3cretPassw0rd@openobserve.example.com/aws/default/logs',
    });
    const io = scriptedIo(true);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor' },
      clients,
      io,
    );
    const printed = io.lines.join('\n');
    expect(printed).toContain('https://openobserve.example.com/aws/default/logs');
    expect(printed).not.toMatch(/S3cretPassw0rd|user%40x/);
  });

  it("detaches only the processor: Firehose's own processors on the stream keep working", async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    const delimiter = {
      Type: 'AppendDelimiterToRecord' as const,
      Parameters: [{ ParameterName: 'Delimiter' as const, ParameterValue: '\\n' }],
    };
    await stream('amazon-apigateway-logs', roleArn, {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: functionArn }],
        },
        delimiter,
      ],
    });
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', detach: true },
      clients,
      scriptedIo(true),
    );
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(http.ProcessingConfiguration).toEqual({ Enabled: true, Processors: [delimiter] });
  });

  it('detaches a function that is gone (its stack deleted), by name or ARN', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn, {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: functionArn }],
        },
      ],
    });
    await clients.lambda.send(new DeleteFunctionCommand({ FunctionName: 'processor' }));
    const io = scriptedIo(true);
    await expect(
      attachProcessor(
        { stream: 'amazon-apigateway-logs', functionName: 'other', detach: true },
        clients,
        io,
      ),
    ).rejects.toThrow(
      new Refused(
        'no Lambda function other in this account and region, and no processor of the stream by that name or ARN',
      ),
    );
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', detach: true },
      clients,
      io,
    );
    const { http } = await destinationOf('amazon-apigateway-logs');
    expect(http.ProcessingConfiguration).toEqual({ Enabled: false, Processors: [] });
  });

  it('turns on no processing that was off: detach keeps it off, attach warns of what it turns on', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    const listedOff: ProcessingConfiguration = {
      Enabled: false,
      Processors: [
        ...(DECOMPRESSING.Processors ?? []),
        {
          Type: 'Lambda',
          Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: functionArn }],
        },
      ],
    };
    await stream('amazon-apigateway-logs', roleArn, listedOff);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', detach: true },
      clients,
      scriptedIo(true),
    );
    // Its processor is not invoked while processing is off: nothing to detach, nothing turned on.
    expect((await destinationOf('amazon-apigateway-logs')).http.ProcessingConfiguration).toEqual(
      listedOff,
    );
    // Attaching turns processing on, and the decompression it lists with it: said before the question.
    const io = scriptedIo(false);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor' },
      clients,
      io,
    );
    expect(io.lines.join('\n')).toContain('warning: CloudWatch Logs decompression is on');
  });

  it("refuses a stream ARN that is not the stream of its name these credentials reach (another account's)", async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const io = scriptedIo(true);
    const other = 'arn:aws:firehose:us-east-1:999999999999:deliverystream/amazon-apigateway-logs';
    await expect(
      attachProcessor(
        { stream: 'amazon-apigateway-logs', given: other, functionName: 'processor' },
        clients,
        io,
      ),
    ).rejects.toThrow(`--stream ${other} is not arn:aws:firehose:us-east-1:123456789012:`);
    expect(io.asked).toBe(0);
  });

  it('warns about a processor buffer that can fill the 6 MB response', async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const io = scriptedIo(false);
    await attachProcessor(
      { stream: 'amazon-apigateway-logs', functionName: 'processor', bufferSizeMB: 3 },
      clients,
      io,
    );
    expect(io.lines.join('\n')).toContain(
      "a 3 MB processor buffer can fill Lambda's 6 MB response",
    );
  });

  it('refuses, with a clear message, what it cannot do safely', async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'to-redshift',
        RedshiftDestinationConfiguration: {
          RoleARN: roleArn,
          ClusterJDBCURL: 'jdbc:redshift://example:5439/db',
          CopyCommand: { DataTableName: 'logs' },
          Username: 'u',
          Password: 'p',
          S3Configuration: { BucketARN: 'arn:aws:s3:::b', RoleARN: roleArn },
        },
      }),
    );
    const io = scriptedIo(true);
    await expect(
      attachProcessor({ stream: 'missing', functionName: 'processor' }, clients, io),
    ).rejects.toThrow(new Refused('no delivery stream named missing in this account and region'));
    await expect(
      attachProcessor({ stream: 'amazon-apigateway-logs', functionName: 'nope' }, clients, io),
    ).rejects.toThrow(new Refused('no Lambda function nope in this account and region'));
    await expect(
      attachProcessor({ stream: 'to-redshift', functionName: 'processor' }, clients, io),
    ).rejects.toThrow('this command updates HTTP endpoint and Amazon S3 destinations only');
    // The stack's other function, given by mistake: every batch would fail.
    await lambdaFunction('stack-SettingsCheckFunction');
    await clients.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'stack-SettingsCheckFunction',
        Handler: 'settings-check.handler',
      }),
    );
    await expect(
      attachProcessor(
        { stream: 'amazon-apigateway-logs', functionName: 'stack-SettingsCheckFunction' },
        clients,
        io,
      ),
    ).rejects.toThrow(
      new Refused(
        "function stack-SettingsCheckFunction is not the access-log processor: it runs settings-check.handler on nodejs24.x, not handler.handler on Node.js; give the stack's ProcessorFunctionArn output",
      ),
    );
    expect(io.asked).toBe(0);
  });

  it('as a command, works in the region of a stream given by ARN, and refuses options that contradict', () => {
    const attach = (...args: string[]) =>
      spawnSync(resolve('node_modules/.bin/tsx'), ['tools/run.ts', 'attach', ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...moto.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const inEurope =
      'arn:aws:firehose:eu-west-1:123456789012:deliverystream/amazon-apigateway-logs';
    const contradicting = attach(
      '--stream',
      inEurope,
      '--function',
      'processor',
      '--region',
      'us-east-1',
    );
    expect(contradicting.status).toBe(2);
    expect(contradicting.stderr).toContain(
      `--stream ${inEurope} is in eu-west-1, not in --region us-east-1`,
    );
    // No stream in eu-west-1: looked for there, not in the profile's region.
    const there = attach('--stream', inEurope, '--function', 'processor', '--yes');
    expect(there.status).toBe(1);
    expect(there.stderr).toContain('no delivery stream named amazon-apigateway-logs');
    const both = attach(
      '--stream',
      'amazon-apigateway-logs',
      '--function',
      'processor',
      '--detach',
      '--no-decompression',
    );
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--detach takes no --no-decompression');
  }, 30_000);

  it('as a command, refuses to change anything without a terminal or --yes', async () => {
    const roleArn = await role('delivery');
    await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const run = spawnSync(
      resolve('node_modules/.bin/tsx'),
      ['tools/run.ts', 'attach', '--stream', 'amazon-apigateway-logs', '--function', 'processor'],
      { encoding: 'utf8', env: { ...process.env, ...moto.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refused: standard input is not a terminal: pass --yes');
    expect(run.stdout).toContain('processor: none');
    expect((await destinationOf('amazon-apigateway-logs')).version).toBe('1');
  }, 30_000);

  it('as a command with --yes --json, applies, reads back and prints one JSON document; a rerun changes nothing', async () => {
    const roleArn = await role('delivery');
    const functionArn = await lambdaFunction('processor');
    await stream('amazon-apigateway-logs', roleArn);
    const attach = (streamNameOrArn = 'amazon-apigateway-logs') =>
      spawnSync(
        resolve('node_modules/.bin/tsx'),
        [
          'tools/run.ts',
          'attach',
          '--stream',
          streamNameOrArn,
          '--function',
          'processor',
          '--yes',
          '--json',
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, ...moto.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    const first = attach();
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      stream: 'amazon-apigateway-logs',
      changed: true,
      applied: [
        `role ${roleArn}: may invoke ${functionArn}`,
        `processor of amazon-apigateway-logs → ${functionArn} (buffer 1 MB / 60 s)`,
      ],
      mismatches: [],
    });
    // People's lines go to standard error, so standard output holds the document alone.
    expect(first.stderr).toContain('Read back: everything is as planned.');
    // The stream's ARN names it as well as its name (the stack's DeliveryStreamArn output).
    const again = attach(
      'arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-logs',
    );
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, planned: [] });
  }, 30_000);
});
