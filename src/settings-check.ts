/**
 * The deploy's check of the processor's settings (`Handler: settings-check.handler`): a
 * CloudFormation custom resource (template.yaml's SettingsCheck, docs/contracts.md §7) whose
 * properties are the processor's environment. It answers FAILED, with the message the function's
 * init would stop with, for a setting the function refuses: CloudFormation shows that message and
 * rolls the deploy back before the function changes. Without it, a value the parameters' patterns
 * cannot judge (a rate that is not 1/n, a field no event has, an expression RE2 refuses) deployed a
 * function that could not start, and Firehose sent every batch to the backup bucket.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { readSettings } from './config';
import { ConfigError } from './errors';

/**
 * CloudFormation takes an answer of at most 4,096 bytes: 1,000 UTF-16 units are at most 3,000
 * bytes of UTF-8, with room for the ids.
 */
const MAX_REASON_CHARS = 1_000;

export interface Answer {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
}

/** Why these settings would stop the function, or undefined when it starts with them. */
async function refusal(environment: unknown): Promise<string | undefined> {
  if (typeof environment !== 'object' || environment === null) {
    return 'the resource has no Environment property to check';
  }
  try {
    await readSettings(environment as Record<string, string>);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return error instanceof ConfigError
      ? `the processor would not start: ${message}`
      : `the settings could not be checked: ${message}`;
  }
}

/**
 * The verdict on one request. A Delete always succeeds, so a stack can always be removed. An
 * Update fails only when it makes things worse: settings the function starts with before and not
 * after. A rollback is an Update back to the settings before, checked by this same code; were
 * those refused too (a release that refuses what an earlier one took), failing it would leave the
 * stack in UPDATE_ROLLBACK_FAILED.
 */
export async function verdict(event: CloudFormationCustomResourceEvent): Promise<Answer> {
  if (event.RequestType === 'Delete') return { Status: 'SUCCESS' };
  const reason = await refusal(event.ResourceProperties.Environment);
  if (reason === undefined) return { Status: 'SUCCESS' };
  if (
    event.RequestType === 'Update' &&
    (await refusal(event.OldResourceProperties.Environment)) !== undefined
  ) {
    return { Status: 'SUCCESS' };
  }
  return {
    Status: 'FAILED',
    Reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason,
  };
}

/**
 * Sends the answer to the request's pre-signed URL, as AWS's cfn-response module does (a PUT of
 * the JSON answer with an empty content type). By hand: the one call needs no library, and
 * Powertools for TypeScript has no custom-resource helper.
 */
async function send(event: CloudFormationCustomResourceEvent, answer: Answer): Promise<void> {
  const body = JSON.stringify({
    ...answer,
    // The same id on every answer: an update never replaces the resource, so no Delete follows it.
    PhysicalResourceId:
      event.RequestType === 'Create' ? event.LogicalResourceId : event.PhysicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body,
  });
  if (!response.ok) {
    throw new Error(`CloudFormation's URL answered ${response.status} ${response.statusText}`);
  }
}

const logger = new Logger({ serviceName: 'settings-check' });

export async function handler(
  event: CloudFormationCustomResourceEvent,
  _context?: Context,
): Promise<Answer> {
  const answer = await verdict(event);
  // One line in the function's log: what CloudFormation was told.
  logger.info('settings checked', { requestType: event.RequestType, ...answer });
  await send(event, answer);
  return answer;
}
