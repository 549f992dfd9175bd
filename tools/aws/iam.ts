/**
 * What an IAM role may do: whether its own policies allow an action on a resource (the check
 * `attach` and `doctor` make before relying on a delivery stream's role to invoke the processor),
 * and the one policy `attach` adds. It reads the role's
 * inline and attached policies; a statement with a Condition is not counted as allowing (it may
 * not hold), and an explicit Deny wins. Permission boundaries and SCPs are not seen.
 */
import { createHash } from 'node:crypto';
import {
  DeleteRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: unknown;
}
export interface PolicyDocument {
  Statement?: Statement | Statement[];
}

/**
 * IAM wildcards: `*` any run of characters, `?` one character. Matched by hand, not by a regular
 * expression: a pattern with many `*` makes a backtracking regex engine exponential on a long ARN.
 * On a mismatch this resumes after the last `*` only, so it takes at most |pattern| × |value| steps.
 */
export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let i = 0; // in p
  let j = 0; // in v
  let star = -1; // p index of the last `*` seen
  let resume = 0; // v index where that `*` takes one more character
  while (j < v.length) {
    if (i < p.length && (p[i] === '?' || (p[i] !== '*' && p[i] === v[j]))) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      resume = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++resume;
    } else {
      return false;
    }
  }
  while (p[i] === '*') i++;
  return i === p.length;
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** `Action`/`Resource` match the value; or, given as `NotAction`/`NotResource`, do not. */
function inScope(
  listed: string | string[] | undefined,
  excluded: string | string[] | undefined,
  value: string,
  ignoreCase: boolean,
): boolean {
  const included = list(listed);
  if (included) return included.some((pattern) => wildcardMatches(pattern, value, ignoreCase));
  const notIncluded = list(excluded);
  return notIncluded
    ? !notIncluded.some((pattern) => wildcardMatches(pattern, value, ignoreCase))
    : false;
}

function covers(statement: Statement, action: string, resource: string): boolean {
  return (
    inScope(statement.Action, statement.NotAction, action, true) &&
    inScope(statement.Resource, statement.NotResource, resource, false)
  );
}

/**
 * What the documents say of an action on a resource: allowed by an Allow without a condition and
 * denied by no Deny; `unsure` when only a Deny with a condition (a region guard, say) covers it,
 * which may not apply to the request; `denied` otherwise.
 */
export function policiesVerdict(
  documents: readonly PolicyDocument[],
  action: string,
  resource: string,
): 'allowed' | 'unsure' | 'denied' {
  const statements = documents.flatMap(
    (document) => list(document.Statement as never) ?? [],
  ) as Statement[];
  const denies = statements.filter((s) => s.Effect === 'Deny' && covers(s, action, resource));
  // An empty Condition object is no condition: the Deny applies always.
  const conditioned = (s: Statement) => s.Condition && Object.keys(s.Condition).length > 0;
  if (denies.some((s) => !conditioned(s))) return 'denied';
  const allowed = statements.some(
    (s) => s.Effect === 'Allow' && !s.Condition && covers(s, action, resource),
  );
  if (!allowed) return 'denied';
  return denies.length > 0 ? 'unsure' : 'allowed';
}

/** Whether the documents surely allow the action: a Deny with a condition counts as applying. */
export function policiesAllow(
  documents: readonly PolicyDocument[],
  action: string,
  resource: string,
): boolean {
  return policiesVerdict(documents, action, resource) === 'allowed';
}

/** AWS returns policy documents URL-encoded; some emulators return them plain. */
function parseDocument(text: string | undefined): PolicyDocument {
  if (!text) return {};
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    return JSON.parse(decodeURIComponent(text)) as PolicyDocument;
  }
}

export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

export async function rolePolicies(iam: IAMClient, roleArn: string): Promise<PolicyDocument[]> {
  const RoleName = roleNameOf(roleArn);
  const documents: PolicyDocument[] = [];
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName }));
  for (const PolicyName of inline.PolicyNames ?? []) {
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
    documents.push(parseDocument(policy.PolicyDocument));
  }
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
  for (const { PolicyArn } of attached.AttachedPolicies ?? []) {
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn }));
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn, VersionId: policy.Policy?.DefaultVersionId }),
    );
    documents.push(parseDocument(version.PolicyVersion?.Document));
  }
  return documents;
}

/** The actions Firehose needs on a processor (docs/contracts.md §3). */
export const INVOKE_ACTIONS = ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'];

/** What a role's own policies say of Firehose calling the function as a processor (§3). */
export async function roleInvokeVerdict(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<'allowed' | 'unsure' | 'denied'> {
  const documents = await rolePolicies(iam, roleArn);
  const verdicts = INVOKE_ACTIONS.map((action) => policiesVerdict(documents, action, functionArn));
  if (verdicts.includes('denied')) return 'denied';
  return verdicts.includes('unsure') ? 'unsure' : 'allowed';
}

/** Whether a role's own policies let Firehose call the function as a processor (§3). */
export async function roleMayInvoke(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<boolean> {
  const documents = await rolePolicies(iam, roleArn);
  return INVOKE_ACTIONS.every((action) => policiesAllow(documents, action, functionArn));
}

/**
 * The name of the inline policy grantInvoke adds for a function: named for its ARN, so a function
 * of the same name in another region (or a policy of yours) keeps its own grant.
 */
export function invokePolicyName(functionArn: string): string {
  const functionName = functionArn.split(':')[6] as string;
  const hash = createHash('sha256').update(functionArn).digest('hex').slice(0, 8);
  return `invoke-${functionName.slice(0, 110)}-${hash}`;
}

/** Adds an inline policy allowing exactly INVOKE_ACTIONS on the function (and its versions). */
export async function grantInvoke(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<void> {
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: roleNameOf(roleArn),
      PolicyName: invokePolicyName(functionArn),
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
}

/** Whether the role holds the inline policy grantInvoke adds for the function. */
export async function hasInvokeGrant(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<boolean> {
  const listed = await iam.send(new ListRolePoliciesCommand({ RoleName: roleNameOf(roleArn) }));
  return (listed.PolicyNames ?? []).includes(invokePolicyName(functionArn));
}

/** Removes the inline policy grantInvoke added for the function; a policy of yours stays. */
export async function revokeInvoke(
  iam: IAMClient,
  roleArn: string,
  functionArn: string,
): Promise<void> {
  await iam.send(
    new DeleteRolePolicyCommand({
      RoleName: roleNameOf(roleArn),
      PolicyName: invokePolicyName(functionArn),
    }),
  );
}
