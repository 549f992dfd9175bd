import { UsageError } from './errors';

/** `30m`, `1h`, `2d` → milliseconds; a usage error naming the option otherwise. */
export function parseDuration(text: string, option = 'since'): number {
  const match = /^(\d+)([mhd])$/.exec(text);
  if (!match) {
    throw new UsageError(`--${option} takes a duration like 30m, 1h or 2d; got "${text}"`);
  }
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}
