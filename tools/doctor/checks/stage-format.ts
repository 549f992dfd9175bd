/** stage-format: whether the stages write the format the processor reads (LOG_FORMAT). */
import {
  API_KEY_VARIABLE,
  API_KEY_WHY,
  canonicalName,
  DEFAULT_FORMAT,
  formatName,
  formatVariables,
  PREVIOUS_DEFAULT_FORMATS,
} from '../../../src/surface';
import type { StageLogging } from '../../aws/stages';
import { check } from '../check';
import { type DoctorCheck, enrollFix } from '../facts';

const isPrevious = (name: string) => Object.hasOwn(PREVIOUS_DEFAULT_FORMATS, name);

/** The `$context` variables of a format, without `$context.`. */
const variablesOf = (format: string | undefined) => new Set(formatVariables(format ?? ''));

/** How the processor reads a stage whose format differs from LOG_FORMAT. */
function differs(stage: StageLogging, logFormat: string): string {
  const label = `${stage.apiName} (${stage.restApiId}) ${stage.stage}`;
  const written = variablesOf(stage.format);
  const read = variablesOf(logFormat);
  const missing = [...written].filter((name) => !read.has(name)).map((name) => `$context.${name}`);
  const known = formatName(stage.format);
  if (isPrevious(known)) {
    const lacking = [...variablesOf(DEFAULT_FORMAT)]
      .filter((name) => !written.has(name))
      .map(canonicalName);
    return `${label}: writes a format recommended before (${known}); it keeps working, but its events lack ${lacking.join(', ')}: move it (fix below)`;
  }
  return known !== 'custom'
    ? `${label}: writes the known format "${known}"; the processor falls back to detection and reads it as ${known}`
    : `${label}: another format; LOG_FORMAT does not match it, so its lines go to detection (JSON, known formats, Label: value) or end up raw${missing.length ? `; not in LOG_FORMAT: ${missing.join(', ')}` : ''}`;
}

/** Compared only when stages log to the stream and the function can start with its settings. */
export const stageFormatCheck: DoctorCheck = async (facts) => {
  const stages = await facts.loggingStages();
  const settings = await facts.settingsError();
  if (stages.length === 0 || !settings.ok || settings.value) return undefined;
  const logFormat = await facts.logFormat();
  const leaking = stages.filter((stage) => variablesOf(stage.format).has(API_KEY_VARIABLE));
  if (leaking.length > 0) {
    return check(
      'stage-format',
      'fail',
      "a stage logs its callers' API keys",
      [
        ...leaking.map((stage) => `${stage.apiName} (${stage.restApiId}) ${stage.stage}`),
        API_KEY_WHY,
      ],
      leaking
        .map((stage) => enrollFix(facts.options.stream, stage.stage, stage.restApiId))
        .join('; '),
    );
  }
  const evidence = [`LOG_FORMAT: ${formatName(logFormat)}`];
  for (const stage of stages) {
    evidence.push(
      stage.format === logFormat
        ? `${stage.apiName} (${stage.restApiId}) ${stage.stage}: the same format`
        : differs(stage, logFormat),
    );
  }
  if (stages.every((stage) => stage.format === logFormat)) {
    return check(
      'stage-format',
      'ok',
      'every stage writes the format the processor reads',
      evidence,
    );
  }
  const previous = stages.filter((stage) => isPrevious(formatName(stage.format)));
  if (previous.length > 0) {
    return check(
      'stage-format',
      'warn',
      `${previous.length} stage(s) still write a format recommended before`,
      evidence,
      previous
        .map((stage) => enrollFix(facts.options.stream, stage.stage, stage.restApiId))
        .join('; '),
    );
  }
  const differing = stages.filter((stage) => stage.format !== logFormat);
  return check(
    'stage-format',
    'warn',
    "a stage's format differs from the processor's LOG_FORMAT",
    evidence,
    `deploy with LogFormat set to the stage's exact format, or point the stage at the recommended one: ${differing
      .map((stage) => enrollFix(facts.options.stream, stage.stage, stage.restApiId))
      .join('; ')}`,
  );
};
