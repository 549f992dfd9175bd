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

/** The verdict on one request: a Delete always succeeds, so a stack can always be removed. */
export async function verdict(event: CloudFormationCustomResourceEvent): Promise<Answer> {
  if (event.RequestType === 'Delete') return { Status: 'SUCCESS' };
  const environment: unknown = event.ResourceProperties.Environment;
  if (typeof environment !== 'object' || environment === null) {
    return { Status: 'FAILED', Reason: 'the resource has no Environment property to check' };
  }
  try {
    await readSettings(environment as Record<string, string>);
    return { Status: 'SUCCESS' };
  } catch (error) {
    const message = (error as Error).message;
    const reason =
      error instanceof ConfigError
        ? `the processor would not start: ${message}`
        : `the settings could not be checked: ${message}`;
    return {
      Status: 'FAILED',
      Reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason,
    };
  }
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
