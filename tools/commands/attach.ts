/**
 * `npm run attach`: adds or replaces this function as the Lambda processor of an existing
 * delivery stream, keeping every other setting (UpdateDestination merges what it is given into
 * the current destination), and makes sure the stream's role may invoke the function
 * (docs/contracts.md §3). `--detach` removes it.
 */
import { planAttach } from '../attach/plan';
import { awsClients } from '../aws/clients';
import { streamName, streamRegion } from '../aws/stream';
import { defineCommand } from '../cli/command';
import { UsageError } from '../cli/errors';
import { COMMON_OPTIONS } from '../cli/options';
import { planStatus, runPlan } from '../cli/plan';

export const command = defineCommand({
  spec: {
    name: 'attach',
    summary:
      "Adds this function as the Lambda processor of an existing delivery stream (or removes it with --detach), and lets the stream's role invoke it.",
    options: {
      stream: { type: 'string', value: 'NAME|ARN', required: true, help: 'the delivery stream' },
      function: {
        type: 'string',
        value: 'NAME|ARN',
        required: true,
        help: 'the processor function',
      },
      'buffer-size': {
        type: 'number',
        value: 'MB',
        min: 0.2,
        max: 3,
        help: "processor buffer; kept when not given, else 1 (events are 2–3 times the lines: above 1 MB Lambda's 6 MB response may fill)",
      },
      'buffer-interval': {
        type: 'number',
        value: 'SECONDS',
        min: 0,
        max: 900,
        integer: true,
        help: 'processor buffer interval; kept when not given, else 60',
      },
      detach: { type: 'flag', help: 'remove the function from the stream instead' },
      'no-decompression': {
        type: 'flag',
        help: "turn Firehose's CloudWatch Logs decompression off: with it on, API Gateway's logs and execution-log deliveries to the stream fail",
      },
      ...COMMON_OPTIONS,
    },
    check(values) {
      streamRegion(values.stream, values.region);
      if (values.detach && values['no-decompression']) {
        throw new UsageError(
          '--detach takes no --no-decompression: detach, then attach another function with it',
        );
      }
    },
  },
  async run({ values }, io) {
    const clients = awsClients(streamRegion(values.stream, values.region));
    const options = {
      stream: streamName(values.stream),
      given: values.stream,
      functionName: values.function,
      bufferSizeMB: values['buffer-size'],
      bufferIntervalSeconds: values['buffer-interval'],
      detach: values.detach,
      noDecompression: values['no-decompression'],
    };
    const result = await runPlan(await planAttach(options, clients), io, {
      dryRun: values['dry-run'],
    });
    if (values.json) io.json({ stream: options.stream, function: options.functionName, ...result });
    return planStatus(result);
  },
});
