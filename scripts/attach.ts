/**
 * `npm run attach -- --stream <name> --function <name|arn> [--buffer-size MB] [--buffer-interval s]
 *  [--region r] [--yes] [--detach]`
 */
import { parseArgs } from 'node:util';
import { attachProcessor } from '../tools/attach';
import { Refused, terminalIo } from '../tools/confirm';
import { awsClients } from './aws-clients';

const { values } = parseArgs({
  options: {
    stream: { type: 'string' },
    function: { type: 'string' },
    'buffer-size': { type: 'string' },
    'buffer-interval': { type: 'string' },
    region: { type: 'string' },
    yes: { type: 'boolean', default: false },
    detach: { type: 'boolean', default: false },
  },
});
if (!values.stream || !values.function) {
  console.error(
    'usage: npm run attach -- --stream <delivery-stream> --function <name|arn> [--buffer-size 1] [--buffer-interval 60] [--region r] [--yes] [--detach]',
  );
  process.exit(2);
}
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
try {
  await attachProcessor(
    {
      stream: values.stream,
      functionName: values.function,
      bufferSizeMB: number(values['buffer-size']),
      bufferIntervalSeconds: number(values['buffer-interval']),
      detach: values.detach,
    },
    awsClients(values.region),
    terminalIo(values.yes),
  );
} catch (error) {
  console.error(error instanceof Refused ? `refused: ${error.message}` : (error as Error).message);
  process.exit(1);
}
