import type { Io } from '../../tools/shared/prompt';

/** An Io that records what a command printed and answers its questions as told. */
export function scriptedIo(answer = true): Io & { lines: string[]; asked: number } {
  const io = {
    lines: [] as string[],
    asked: 0,
    log: (line: string) => io.lines.push(line),
    confirm: async () => {
      io.asked++;
      return answer;
    },
  };
  return io;
}
