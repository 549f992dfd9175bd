/**
 * `tsx tools/run.ts <command> …`: the entry of every user command (`npm run attach`, `stage-logs`,
 * `replay`, `openobserve`, `doctor`). Each is a module of tools/commands/ (its option table and its
 * run); what they share is in tools/cli/, tools/aws/, tools/openobserve/, tools/doctor/ and
 * tools/replay/.
 */
import { type Command, runCommand } from './cli/command';
import { dropOutputOnceClosed } from './cli/io';
import { command as attach } from './commands/attach';
import { command as doctor } from './commands/doctor';
import { command as openobserve } from './commands/openobserve';
import { command as packageCommand } from './commands/package';
import { command as replay } from './commands/replay';
import { command as request } from './commands/request';
import { command as stageLogs } from './commands/stage-logs';

const commands: Record<string, Command<never>> = {
  attach,
  doctor,
  openobserve,
  package: packageCommand,
  replay,
  request,
  'stage-logs': stageLogs,
} as never;

const [name = '', ...argv] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  console.error(`usage: tsx tools/run.ts <${Object.keys(commands).join(' | ')}> …`);
  process.exit(2);
}
dropOutputOnceClosed();
process.exit(await runCommand(command, argv));
