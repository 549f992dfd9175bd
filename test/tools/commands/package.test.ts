import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { parse } from 'yaml';
import { RefusedError } from '../../../tools/cli/errors';
import { runPlan } from '../../../tools/cli/plan';
import { type PackageOptions, planPackage } from '../../../tools/commands/package';
import { scriptedIo } from '../../support/io';
import { type Moto, startMoto } from '../../support/moto';

let moto: Moto;
let folder: string;
const s3For = (region: string) => new S3Client({ ...moto.clientConfig, region });

beforeAll(async () => {
  moto = await startMoto();
  folder = mkdtempSync(join(tmpdir(), 'package-'));
}, 60_000);
afterAll(async () => {
  await moto.stop();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => moto.reset());

async function bucketIn(region: string, name = `artifacts-${region}`) {
  await s3For(region).send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1'
        ? {}
        : {
            CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
          }),
    }),
  );
}

const options = (output: string): PackageOptions => ({
  bucketPrefix: 'artifacts',
  regions: ['us-east-1', 'eu-west-1'],
  template: 'template.yaml',
  output: join(folder, output),
});

describe('npm run package (against moto, two regions)', () => {
  it('uploads the code to each region, writes the template without the transform, and reads both back', async () => {
    await bucketIn('us-east-1');
    await bucketIn('eu-west-1');
    const io = scriptedIo(true);
    const result = await runPlan(await planPackage(options('packaged.yaml'), s3For), io);
    expect(result.mismatches).toEqual([]);
    expect(result.applied).toHaveLength(3);
    // The plan shown before the question names every change it applies.
    const asked = io.lines.findIndex((line) => line.startsWith('✓'));
    for (const change of result.applied) expect(io.lines.slice(0, asked)).toContain(`  ${change}`);
    const text = readFileSync(join(folder, 'packaged.yaml'), 'utf8');
    const template = parse(text);
    expect(template.Transform).toBeUndefined();
    // CloudFormation reads YAML 1.1, where an unquoted OFF is the boolean false: every value must
    // read the same in both versions.
    expect(parse(text, { version: '1.1' })).toEqual(template);
    expect(template.Parameters.DemoExecutionLogging.Default).toBe('OFF');
    const code = template.Resources.ProcessorFunction.Properties.Code;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation !Sub expression
    expect(code.S3Bucket).toEqual({ 'Fn::Sub': '${CodeBucketPrefix}-${AWS::Region}' });
    expect(code.S3Key).toMatch(/^apigw-firehose-openobserve\/processor-[0-9a-f]{16}\.zip$/);
    expect(template.Parameters.CodeBucketPrefix.Default).toBe('artifacts');
    for (const region of ['us-east-1', 'eu-west-1']) {
      const object = await s3For(region).send(
        new GetObjectCommand({ Bucket: `artifacts-${region}`, Key: code.S3Key }),
      );
      const files = unzipSync(
        await (
          object.Body as { transformToByteArray(): Promise<Uint8Array> }
        ).transformToByteArray(),
      );
      expect(Object.keys(files)).toContain('handler.mjs');
    }
    const again = scriptedIo(true);
    await runPlan(await planPackage(options('packaged.yaml'), s3For), again);
    expect(again.asked).toBe(0);
    expect(again.lines.at(-1)).toMatch(/^Nothing to change: the code is in every region's bucket/);
  }, 120_000);

  it('writes a template cfn-lint finds nothing in', async () => {
    await bucketIn('us-east-1');
    await bucketIn('eu-west-1');
    await runPlan(await planPackage(options('lint.yaml'), s3For), scriptedIo(true));
    const lint = spawnSync(
      resolve('node_modules/.venv/bin/cfn-lint'),
      [join(folder, 'lint.yaml')],
      {
        encoding: 'utf8',
      },
    );
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  }, 120_000);

  it('refuses a prefix whose buckets CloudFormation or S3 would not take, before reading anything', async () => {
    for (const prefix of [
      'Artifacts',
      'a',
      '-artifacts',
      'a'.repeat(48),
      'my..artifacts',
      'xn--artifacts',
      'sthree-artifacts',
      'amzn-s3-demo-artifacts',
    ]) {
      await expect(
        planPackage({ ...options('bad.yaml'), bucketPrefix: prefix }, s3For),
      ).rejects.toThrow(`--s3-bucket-prefix ${prefix}: 2 to 47 lower-case letters`);
    }
    // 47 characters and the longest region make a 63-character bucket name, and the template takes it.
    const longest = 'acme-platform-shared-lambda-artifacts-prod-eu01';
    expect(longest).toHaveLength(47);
    await bucketIn('us-east-1', `${longest}-us-east-1`);
    await runPlan(
      await planPackage(
        { ...options('long.yaml'), bucketPrefix: longest, regions: ['us-east-1'] },
        s3For,
      ),
      scriptedIo(true),
    );
    const template = parse(readFileSync(join(folder, 'long.yaml'), 'utf8'));
    const parameter = template.Parameters.CodeBucketPrefix;
    expect(new RegExp(parameter.AllowedPattern).test(parameter.Default)).toBe(true);
  }, 120_000);

  it('uploads again over an object of the same size that is not this code', async () => {
    await bucketIn('us-east-1');
    const one = { ...options('same-size.yaml'), regions: ['us-east-1'] };
    await runPlan(await planPackage(one, s3For), scriptedIo(true));
    const key = (await planPackage(one, s3For)).shows[0]?.match(
      /apigw-firehose-openobserve\/\S+\.zip/,
    )?.[0] as string;
    const s3 = s3For('us-east-1');
    const size = (await s3.send(new GetObjectCommand({ Bucket: 'artifacts-us-east-1', Key: key })))
      .ContentLength as number;
    await s3.send(
      new PutObjectCommand({ Bucket: 'artifacts-us-east-1', Key: key, Body: Buffer.alloc(size) }),
    );
    const plan = await planPackage(one, s3For);
    expect(plan.changes.map((change) => change.describe)).toEqual([
      expect.stringMatching(
        /^upload the function's code \(\d+ bytes\) to s3:\/\/artifacts-us-east-1\//,
      ),
    ]);
    await runPlan(plan, scriptedIo(true));
    expect((await planPackage(one, s3For)).changes).toEqual([]);
  }, 120_000);

  it('refuses a template that is not there, and an output that is the template, before building', async () => {
    await expect(
      planPackage({ ...options('x.yaml'), template: join(folder, 'nope.yaml') }, s3For),
    ).rejects.toThrow(`--template ${join(folder, 'nope.yaml')}: no such file`);
    await expect(
      planPackage({ ...options('x.yaml'), output: resolve('template.yaml') }, s3For),
    ).rejects.toThrow(`--output ${resolve('template.yaml')} is the SAM template`);
  });

  it('writes a template `create-stack-set --template-body` takes (51,200 bytes at most)', async () => {
    await bucketIn('us-east-1');
    const one = { ...options('size.yaml'), regions: ['us-east-1'] };
    await runPlan(await planPackage(one, s3For), scriptedIo(true));
    expect(readFileSync(one.output).length).toBeLessThanOrEqual(51_200);
  }, 120_000);

  it('refuses a region without its bucket, or with the bucket in another region, before changing anything', async () => {
    await bucketIn('us-east-1');
    await expect(planPackage(options('missing.yaml'), s3For)).rejects.toThrow(
      new RefusedError(
        'no bucket artifacts-eu-west-1 for region eu-west-1: create it in eu-west-1, readable by the accounts the stack set deploys to (docs/fleet.md, "Every account and region")',
      ).message,
    );
    await bucketIn('us-west-2', 'artifacts-eu-west-1');
    await expect(planPackage(options('elsewhere.yaml'), s3For)).rejects.toThrow(
      "bucket artifacts-eu-west-1 is in us-west-2, not eu-west-1: Lambda reads a function's code only from a bucket in the function's own region",
    );
  }, 120_000);
});

describe('npm run package, on a stand-in for what real S3 answers and moto does not', () => {
  /** HEAD of a bucket as S3 answers it: in another region (301, the region named), or Forbidden. */
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith('/artifacts-eu-west-1')) {
        response.writeHead(301, { 'x-amz-bucket-region': 'us-west-2' }).end();
      } else if (request.url?.startsWith('/artifacts-ap-south-1/apigw-firehose-openobserve/')) {
        // The bucket answers; an object HEAD without s3:GetObject (or of a missing key without
        // s3:ListBucket) is refused.
        response.writeHead(403).end();
      } else if (request.url?.startsWith('/artifacts-ap-south-1')) {
        response.writeHead(200, { 'x-amz-bucket-region': 'ap-south-1' }).end();
      } else {
        response.writeHead(403).end();
      }
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));

  it('names the region of a bucket S3 redirects to, and a bucket it forbids', async () => {
    const standIn = (region: string) =>
      new S3Client({
        region,
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      });
    await expect(
      planPackage({ ...options('redirect.yaml'), regions: ['eu-west-1'] }, standIn),
    ).rejects.toThrow('bucket artifacts-eu-west-1 is in us-west-2, not eu-west-1');
    await expect(
      planPackage({ ...options('forbidden.yaml'), regions: ['us-east-1'] }, standIn),
    ).rejects.toThrow(
      'bucket artifacts-us-east-1: S3 answered 403 Forbidden: another account owns a bucket of that name',
    );
    await expect(
      planPackage({ ...options('no-get.yaml'), regions: ['ap-south-1'] }, standIn),
    ).rejects.toThrow(
      /^s3:\/\/artifacts-ap-south-1\/apigw-firehose-openobserve\/processor-[0-9a-f]{16}\.zip: S3 answered 403 Forbidden to a HEAD of it: these credentials need s3:GetObject on it and s3:ListBucket/,
    );
  });
});
