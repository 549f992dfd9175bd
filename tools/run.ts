/**
 * `tsx tools/run.ts <command> …`: the entry of every user command (`npm run attach`, `stage-logs`,
 * `replay`, `openobserve`, `doctor`). Each command module holds its usage, its entry and its logic.
 */
import { command as attach } from './attach';
import { command as doctor } from './doctor';
import { command as openobserve } from './openobserve/setup';
import { command as replay } from './replay/replay';
import type { Command } from './shared/command';
import { runCommand } from './shared/command';
import { command as stageLogs } from './stage-logs';

const commands: Record<string, Command> = {
  attach,
  doctor,
  openobserve,
  replay,
  'stage-logs': stageLogs,
};

const [name = '', ...argv] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  console.error(`usage: tsx tools/run.ts <${Object.keys(commands).join(' | ')}> …`);
  process.exit(2);
}
process.exit(await runCommand(command, argv));
