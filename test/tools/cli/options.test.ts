import { EXIT, runCommand } from '../../../tools/cli/command';
import { UsageError } from '../../../tools/cli/errors';
import { type CommandSpec, parseCommandLine, usage } from '../../../tools/cli/options';
import { command as attach } from '../../../tools/commands/attach';
import { command as doctor } from '../../../tools/commands/doctor';
import { command as openobserve } from '../../../tools/commands/openobserve';
import { command as packageCommand } from '../../../tools/commands/package';
import { command as replay } from '../../../tools/commands/replay';
import { command as request } from '../../../tools/commands/request';
import { command as stageLogs } from '../../../tools/commands/stage-logs';
import { scriptedIo } from '../../support/io';

const SPEC = {
  name: 'example',
  summary: 'An example.',
  options: {
    stream: { type: 'string', value: 'NAME', required: true, help: 'the stream' },
    size: { type: 'number', value: 'MB', min: 0.2, max: 3, help: 'a size' },
    days: {
      type: 'number',
      value: 'DAYS',
      default: 30,
      min: 1,
      max: 90,
      integer: true,
      help: 'days',
    },
    mode: {
      type: 'string',
      value: 'M',
      default: 'skip',
      choices: ['skip', 'send'],
      help: 'a mode',
    },
    regions: { type: 'list', value: 'R,R', help: 'regions' },
    yes: { type: 'flag', help: 'no questions' },
  },
} as const satisfies CommandSpec;

const parse = (...argv: string[]) => parseCommandLine(SPEC, argv).values;

describe('an option table', () => {
  it('gives the values, typed, with their defaults', () => {
    expect(parse('--stream', 's', '--size', '1.5', '--regions', 'a, b')).toEqual({
      stream: 's',
      size: 1.5,
      days: 30,
      mode: 'skip',
      regions: ['a', 'b'],
      yes: false,
    });
  });

  it.each([
    [['--size', '1'], '--stream is required'],
    [['--stream', 's', '--size', '4'], '--size must be from 0.2 to 3'],
    [['--stream', 's', '--size', ''], '--size must be from 0.2 to 3'],
    [['--stream', 's', '--days', '1.5'], '--days must be a whole number from 1 to 90'],
    [['--stream', 's', '--mode', 'drop'], '--mode must be one of skip, send'],
    [
      ['--stream', 's', '--regions', 'a,,b'],
      '--regions takes a comma-separated list without empty items',
    ],
    [['--stream', 's', '--colour', 'red'], "Unknown option '--colour'"],
    [['--stream', 's', 'extra'], 'Unexpected argument'],
  ])('refuses %j with a usage error naming the option', (argv, message) => {
    expect(() => parseCommandLine(SPEC, argv)).toThrow(UsageError);
    expect(() => parseCommandLine(SPEC, argv)).toThrow(message);
  });

  it.each([
    [[], '<request-id> is required'],
    [['r-1', 'r-2'], '<request-id> once only; got 2: r-1 r-2'],
  ])(
    'refuses the arguments %j with a usage error saying what is missing or too many',
    (args, message) => {
      const argv = [...args, '--url', 'http://127.0.0.1:5080'];
      expect(() => parseCommandLine(request.spec, argv)).toThrow(UsageError);
      expect(() => parseCommandLine(request.spec, argv)).toThrow(message);
    },
  );

  it('writes the usage from the same table: synopsis, bounds, choices and defaults', () => {
    expect(usage(SPEC).split('\n')).toEqual([
      'usage: npm run example -- --stream NAME [--size MB] [--days DAYS] [--mode M] [--regions R,R] [--yes]',
      'An example.',
      '  --stream NAME  the stream',
      '  --size MB      a size (0.2–3)',
      '  --days DAYS    days (1–90; default 30)',
      '  --mode M       a mode (skip | send; default skip)',
      '  --regions R,R  regions',
      '  --yes          no questions',
    ]);
  });
});

describe('every command', () => {
  const commands = {
    attach,
    doctor,
    openobserve,
    package: packageCommand,
    replay,
    request,
    'stage-logs': stageLogs,
  };

  it.each(Object.entries(commands))(
    '%s: usage lists every option of its table',
    (_name, command) => {
      const text = usage(command.spec as unknown as CommandSpec);
      for (const name of Object.keys(command.spec.options)) expect(text).toContain(`--${name}`);
    },
  );

  it.each(Object.entries(commands))(
    '%s: a wrong command line exits 2 and shows the usage',
    async (_name, command) => {
      const printed: string[] = [];
      const spy = jest.spyOn(console, 'error').mockImplementation((line) => printed.push(line));
      try {
        const status = await runCommand(command as never, ['--no-such-option'], scriptedIo());
        expect(status).toBe(EXIT.usage);
        expect(printed.join('\n')).toContain(`usage: npm run ${command.spec.name} --`);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it.each(Object.entries(commands))(
    '%s: with --json, a wrong command line is one JSON document too',
    async (_name, command) => {
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const io = scriptedIo();
        const status = await runCommand(command as never, ['--json', '--no-such-option'], io);
        expect(status).toBe(EXIT.usage);
        expect(io.documents).toEqual([
          { error: 'usage', message: expect.stringContaining('--no-such-option') },
        ]);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it.each([
    [
      replay,
      ['events/clf.json', '--endpoint', 'http://127.0.0.1:5080'],
      "--endpoint must be OpenObserve's Firehose endpoint, …/aws/{org}/{stream}/_kinesis_firehose: http://127.0.0.1:5080/",
    ],
    [
      openobserve,
      ['setup', '--url', 'http://127.0.0.1:5080/aws/acme/api_gateway_access/_kinesis_firehose'],
      "--url is OpenObserve's address, not its Firehose endpoint: give http://127.0.0.1:5080 (and --org acme --stream api_gateway_access)",
    ],
  ])(
    '%#: a URL of the other kind is a usage error that says which to give',
    async (command, argv, message) => {
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const io = scriptedIo();
        expect(await runCommand(command as never, [...argv, '--json'], io)).toBe(EXIT.usage);
        expect(io.documents).toEqual([{ error: 'usage', message }]);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it.each(Object.entries(commands))(
    '%s: --help shows the usage and exits 0',
    async (_name, command) => {
      const printed: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((line) => printed.push(line));
      try {
        expect(await runCommand(command as never, ['--help'])).toBe(EXIT.done);
        expect(printed.join('\n')).toContain(command.spec.summary);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it('that changes something or reports takes --json', () => {
    for (const command of Object.values(commands)) {
      expect(Object.keys(command.spec.options)).toContain('json');
    }
  });
});
