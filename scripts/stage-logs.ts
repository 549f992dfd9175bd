/**
 * `npm run stage-logs -- --rest-api-id <id> --stage <name> --stream <name|arn> [--format <string>]
 *  [--region r] [--yes]`
 */
import { parseArgs } from 'node:util';
import { Refused, terminalIo } from '../tools/confirm';
import { pointStageLogs } from '../tools/stage-logs';
import { awsClients } from './aws-clients';

const { values } = parseArgs({
  options: {
    'rest-api-id': { type: 'string' },
    stage: { type: 'string' },
    stream: { type: 'string' },
    format: { type: 'string' },
    region: { type: 'string' },
    yes: { type: 'boolean', default: false },
  },
});
if (!values['rest-api-id'] || !values.stage || !values.stream) {
  console.error(
    'usage: npm run stage-logs -- --rest-api-id <id> --stage <name> --stream <name|arn> [--format <string>] [--region r] [--yes]',
  );
  process.exit(2);
}
try {
  await pointStageLogs(
    {
      restApiId: values['rest-api-id'],
      stage: values.stage,
      stream: values.stream,
      format: values.format,
    },
    awsClients(values.region),
    terminalIo(values.yes),
  );
} catch (error) {
  console.error(error instanceof Refused ? `refused: ${error.message}` : (error as Error).message);
  process.exit(1);
}
