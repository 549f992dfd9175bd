/**
 * function-settings: the processor can start with its settings (checked as its init checks them),
 * and every variable of its LOG_FORMAT is one API Gateway's list names; another is read as a
 * string, and named here (docs/contracts.md §2.2).
 */

import {
  closestVariable,
  formatName,
  formatVariables,
  unknownVariables,
  variableFields,
} from '../../../src/surface';
import { check } from '../check';
import type { DoctorCheck } from '../facts';

export const functionSettingsCheck: DoctorCheck = async (facts) => {
  if (!(await facts.processorFunction())) return undefined;
  const fact = await facts.settingsError();
  if (!fact.ok) throw fact.error;
  if (fact.value) {
    return check(
      'function-settings',
      'fail',
      'the processor cannot start: a setting is invalid',
      fact.value.message,
      'fix the setting (template parameters) and deploy again',
    );
  }
  const logFormat = await facts.logFormat();
  const unknown = unknownVariables(formatVariables(logFormat));
  if (unknown.length === 0) {
    return check(
      'function-settings',
      'ok',
      "the processor's settings are valid",
      `LOG_FORMAT: ${formatName(logFormat)}`,
    );
  }
  const fields = variableFields(logFormat);
  return check(
    'function-settings',
    'warn',
    "LOG_FORMAT names variables API Gateway's list does not; the processor reads them as strings",
    unknown.map(
      (variable) =>
        `$context.${variable} (closest known: $context.${closestVariable(variable)}; read into ${fields.get(variable)})`,
    ),
    'a variable AWS added needs nothing; correct a misspelt one in LOG_FORMAT and in the stage format, then deploy again',
  );
};
