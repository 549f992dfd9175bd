/**
 * `npm run package`: template.yaml as a plain CloudFormation template that StackSets can deploy to
 * every account of an organizational unit (docs/contracts.md §8), with the function's code
 * uploaded to a bucket in each region the stack set deploys to (`<prefix>-<region>`: Lambda reads
 * code only from a bucket in the function's region).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import { awsClients } from '../aws/clients';
import { bucketRegion, objectSha256, putObject } from '../aws/s3';
import { defineCommand } from '../cli/command';
import { RefusedError, UsageError } from '../cli/errors';
import { userPath } from '../cli/io';
import { COMMON_OPTIONS } from '../cli/options';
import { type Change, type Plan, planStatus, runPlan } from '../cli/plan';
import { buildCodeZip, type CodeZip } from '../package/bundle';
import { CODE_BUCKET_PREFIX, expandSam, packagedTemplate } from '../package/template';

export interface PackageOptions {
  /** Buckets are `<prefix>-<region>`. */
  readonly bucketPrefix: string;
  readonly regions: readonly string[];
  /** The SAM template read, and the plain template written. */
  readonly template: string;
  readonly output: string;
}

/** The upload to one region's bucket, unless the same code is there already. */
async function uploadChange(
  s3: S3Client,
  region: string,
  bucket: string,
  key: string,
  code: CodeZip,
): Promise<Change | undefined> {
  const found = await bucketRegion(s3, bucket);
  if (found === undefined) {
    throw new RefusedError(
      `no bucket ${bucket} for region ${region}: create it in ${region}, readable by the accounts the stack set deploys to (docs/fleet.md, "Every account and region")`,
    );
  }
  if (found && found !== region) {
    throw new RefusedError(
      `bucket ${bucket} is in ${found}, not ${region}: Lambda reads a function's code only from a bucket in the function's own region`,
    );
  }
  // By content, not size: an object of the same length that is not this zip would fail every
  // stack of the region.
  if ((await objectSha256(s3, bucket, key)) === code.sha256) return undefined;
  return {
    describe: `upload the function's code (${code.bytes.length} bytes) to s3://${bucket}/${key}`,
    apply: () => putObject(s3, bucket, key, code.bytes),
  };
}

/** What package would change: read first, nothing changed. */
export async function planPackage(
  options: PackageOptions,
  s3For: (region: string) => S3Client,
): Promise<Plan> {
  if (!CODE_BUCKET_PREFIX.test(options.bucketPrefix)) {
    throw new UsageError(
      `--s3-bucket-prefix ${options.bucketPrefix}: 2 to 47 lower-case letters, digits, dots and dashes, starting with a letter or digit, no two dots in a row, not starting xn--, sthree- or amzn-s3-demo- (the buckets are <prefix>-<region>, S3's bucket names, at most 63 characters)`,
    );
  }
  if (!existsSync(options.template)) {
    throw new UsageError(`--template ${options.template}: no such file`);
  }
  if (resolve(options.output) === resolve(options.template)) {
    throw new UsageError(
      `--output ${options.output} is the SAM template: the plain template would take its place (and a later package would read that)`,
    );
  }
  const code = await buildCodeZip();
  const key = `apigw-firehose-openobserve/processor-${code.digest}.zip`;
  const [expanded] = expandSam(options.template, [{}]);
  // YAML 1.1, as CloudFormation reads it: `OFF` (and `yes`, `no`, `on`) quoted, or it reads a boolean.
  const text = stringify(packagedTemplate(expanded ?? {}, options.bucketPrefix, key), {
    version: '1.1',
  });
  const changes: Change[] = [];
  for (const region of options.regions) {
    const bucket = `${options.bucketPrefix}-${region}`;
    const upload = await uploadChange(s3For(region), region, bucket, key, code);
    if (upload) changes.push(upload);
  }
  const current = existsSync(options.output) ? readFileSync(options.output, 'utf8') : undefined;
  if (current !== text) {
    changes.push({
      describe: `write ${options.output}: ${options.template} without the SAM transform, its code in s3://${options.bucketPrefix}-<region>/${key}`,
      apply: async () => writeFileSync(options.output, text),
    });
  }
  return {
    shows: [
      `The function's code: ${key} (${code.bytes.length} bytes), for ${options.regions.join(', ')}`,
      // What applying does, as the other commands show theirs before asking.
      ...changes.map((change) => `  ${change.describe}`),
    ],
    changes,
    nothingToChange: `Nothing to change: the code is in every region's bucket and ${options.output} is up to date.`,
    readBack: async () => {
      const mismatches: string[] = [];
      for (const region of options.regions) {
        const bucket = `${options.bucketPrefix}-${region}`;
        if ((await objectSha256(s3For(region), bucket, key)) !== code.sha256) {
          mismatches.push(`s3://${bucket}/${key}: not there, or not this code`);
        }
      }
      if (readFileSync(options.output, 'utf8') !== text) {
        mismatches.push(`${options.output}: reads back other than written`);
      }
      return { mismatches };
    },
  };
}

export const command = defineCommand({
  spec: {
    name: 'package',
    summary:
      'Writes template.yaml as plain CloudFormation for StackSets, and uploads the function to a bucket in each region.',
    options: {
      's3-bucket-prefix': {
        type: 'string',
        value: 'PREFIX',
        required: true,
        help: 'the code goes to the bucket PREFIX-<region> in each region (create them first)',
      },
      regions: {
        type: 'list',
        value: 'R1,R2',
        required: true,
        help: 'every region the stack set deploys to',
      },
      template: {
        type: 'string',
        value: 'FILE',
        default: 'template.yaml',
        help: 'the SAM template',
      },
      output: {
        type: 'string',
        value: 'FILE',
        default: 'packaged.yaml',
        help: 'the CloudFormation template written',
      },
      'dry-run': COMMON_OPTIONS['dry-run'],
      yes: COMMON_OPTIONS.yes,
      json: COMMON_OPTIONS.json,
    },
  },
  async run({ values, given }, io) {
    // A file the user named is from the folder `npm run` was started in; the defaults are this
    // package's own.
    const named = (option: 'template' | 'output') =>
      given.has(option) ? userPath(values[option], 'package') : values[option];
    const options: PackageOptions = {
      bucketPrefix: values['s3-bucket-prefix'],
      regions: values.regions,
      template: named('template'),
      output: named('output'),
    };
    const plan = await planPackage(options, (region) => awsClients(region).s3);
    const result = await runPlan(plan, io, { dryRun: values['dry-run'] });
    if (values.json) io.json({ output: options.output, ...result });
    return planStatus(result);
  },
});
