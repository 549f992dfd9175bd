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

/** The function's environment: the processor's settings. */
export const settingsOf = (fn: FunctionConfiguration | undefined) =>
  fn?.Environment?.Variables ?? {};
