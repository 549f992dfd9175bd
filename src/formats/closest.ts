/**
 * The known access-log variable closest in spelling to one a format names, for the message that
 * reports an unknown variable. Loaded only when a format has one (src/lambda.ts).
 */
import { closestMatch } from 'leven';
import { knownVariables } from './variables';

const names = knownVariables();
const lowered = names.map((name) => name.toLowerCase());

/** The known variable with the fewest single-letter edits from `variable`, ignoring case. */
export function closestVariable(variable: string): string {
  const match = closestMatch(variable.toLowerCase(), lowered);
  return names[match === undefined ? 0 : lowered.indexOf(match)] as string;
}
