// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the ${…} strings are CloudFormation !Sub expressions
/**
 * template.yaml as plain CloudFormation, for StackSets, which refuse a template with a transform
 * (docs/contracts.md §8): expanded by the SAM translator of the pinned SAM CLI, the function's code
 * taken from a bucket in the region it is deployed to (`<prefix>-<region>`), since Lambda reads
 * code only from a bucket in the function's own region (§8).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { RefusedError } from '../cli/errors';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by key.
export type Json = Record<string, any>;

/** Where sam_expand.py puts the code before the translator runs; replaced below. */
const PLACEHOLDER_BUCKET = 'sam-artifacts';
export const CODE_BUCKET_PARAMETER = 'CodeBucketPrefix';
/**
 * A prefix `<prefix>-<region>` is a bucket name for: S3 allows 63 characters, and the longest
 * region name has 15 (`us-isof-south-1`); no two periods in a row, and none of the beginnings S3
 * keeps for itself (`xn--`, `sthree-`, `amzn-s3-demo-`). Also the template's AllowedPattern, which
 * CloudFormation reads as a Java pattern (look-aheads and all).
 */
export const CODE_BUCKET_PREFIX =
  /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,46}$/;

/** The template the SAM translator makes of `path`, one per set of parameter values. */
export function expandSam(path: string, valueSets: readonly Record<string, string>[]): Json[] {
  let output: Buffer;
  try {
    output = execFileSync(
      resolve('node_modules/.venv/bin/python'),
      [resolve('tools/package/sam_expand.py'), path],
      { input: JSON.stringify(valueSets), maxBuffer: 256 * 1024 * 1024, stdio: 'pipe' },
    );
  } catch (error) {
    throw new RefusedError(
      `the SAM translator did not run (bash scripts/python-tools.sh installs it): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const templates = JSON.parse(output.toString('utf8')) as Json[];
  const refused = templates.find((template) => template.error);
  if (refused) throw new RefusedError(`the SAM translator refused the template: ${refused.error}`);
  return templates;
}

/** An expanded template whose functions take their code from `<prefix>-<region>`/`key`. */
export function packagedTemplate(expanded: Json, prefix: string, key: string): Json {
  if ('Transform' in expanded) throw new RefusedError('the template still has a Transform');
  const resources = Object.fromEntries(
    Object.entries(expanded.Resources as Record<string, Json>).map(([id, resource]) => {
      if (resource.Type !== 'AWS::Lambda::Function') return [id, resource];
      if (resource.Properties?.Code?.S3Bucket !== PLACEHOLDER_BUCKET) return [id, resource];
      const code = {
        S3Bucket: { 'Fn::Sub': `\${${CODE_BUCKET_PARAMETER}}-\${AWS::Region}` },
        S3Key: key,
      };
      return [id, { ...resource, Properties: { ...resource.Properties, Code: code } }];
    }),
  );
  return {
    ...expanded,
    Parameters: {
      [CODE_BUCKET_PARAMETER]: {
        Type: 'String',
        Default: prefix,
        AllowedPattern: CODE_BUCKET_PREFIX.source,
        Description:
          "The function's code is read from the bucket <this>-<region> in each region the stack is deployed to (npm run package uploads it there).",
      },
      ...expanded.Parameters,
    },
    Resources: resources,
  };
}
