/** function-settings: the processor can start with its settings (checked as its init checks them). */
import { formatName } from '../../../src/formats/known';
import { check } from '../check';
import type { DoctorCheck } from '../facts';

export const functionSettingsCheck: DoctorCheck = async (facts) => {
  if (!(await facts.processorFunction())) return undefined;
  const fact = await facts.settingsError();
  if (!fact.ok) throw fact.error;
  if (!fact.value) {
    return check(
      'function-settings',
      'ok',
      "the processor's settings are valid",
      `LOG_FORMAT: ${formatName(await facts.logFormat())}`,
    );
  }
  return check(
    'function-settings',
    'fail',
    'the processor cannot start: a setting is invalid',
    fact.value.message,
    'fix the setting (template parameters) and deploy again',
  );
};
