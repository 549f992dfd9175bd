import type { Io } from '../../tools/cli/io';

/** An Io that records what a command printed (and its --json document) and answers as told. */
export function scriptedIo(
  answer = true,
): Io & { lines: string[]; asked: number; documents: unknown[] } {
  const io = {
    lines: [] as string[],
    documents: [] as unknown[],
    asked: 0,
    log: (line: string) => {
      io.lines.push(line);
    },
    confirm: async () => {
      io.asked++;
      return answer;
    },
    json: (value: unknown) => {
      io.documents.push(value);
    },
  };
  return io;
}
