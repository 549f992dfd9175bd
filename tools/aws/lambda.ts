/** A Lambda function's configuration: its ARN, runtime, timeout and settings (environment). */
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { errorName } from './clients';

/** The function's configuration, or undefined when there is none of that name or ARN. */
export async function findFunction(
  lambda: LambdaClient,
  name: string,
): Promise<FunctionConfiguration | undefined> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The handler template.yaml gives the processor; the stack's settings check runs another. */
const PROCESSOR_HANDLER = 'handler.handler';

/**
 * Why a function is not the access-log processor (another handler, or not Node.js: the stack's
 * settings check given by mistake fails every batch), or undefined when it is.
 */
export function notTheProcessor(fn: FunctionConfiguration): string | undefined {
  if (fn.Handler === PROCESSOR_HANDLER && fn.Runtime?.startsWith('nodejs')) return undefined;
  return `it runs ${fn.Handler} on ${fn.Runtime}, not ${PROCESSOR_HANDLER} on Node.js`;
}

/** The function's environment: the processor's settings. */
export const settingsOf = (fn: FunctionConfiguration | undefined) =>
  fn?.Environment?.Variables ?? {};
