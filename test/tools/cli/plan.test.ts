import { defineCommand, EXIT, runCommand } from '../../../tools/cli/command';
import { terminalIo } from '../../../tools/cli/io';
import { type Change, type Plan, planStatus, runPlan } from '../../../tools/cli/plan';
import { scriptedIo } from '../../support/io';

const change = (describe: string, applied: string[], fails = false): Change => ({
  describe,
  async apply() {
    if (fails) throw new Error(`${describe} went wrong`);
    applied.push(describe);
    return `did ${describe}`;
  },
});

describe('runPlan: plan → confirm → apply → read back', () => {
  it('shows the plan, asks once, applies each change in order and reads back', async () => {
    const applied: string[] = [];
    const plan: Plan = {
      shows: ['Thing X'],
      changes: [change('one', applied), change('two', applied)],
      skipped: ['three: not now'],
      afterwards: ['now do Y'],
      readBack: async () => ({ mismatches: [], shows: ['X is now Z.'] }),
    };
    const io = scriptedIo(true);
    const result = await runPlan(plan, io);
    expect(applied).toEqual(['one', 'two']);
    expect(io.asked).toBe(1);
    expect(io.lines).toEqual([
      'Thing X',
      '  three: not now',
      'did one',
      'did two',
      '✓ one',
      '✓ two',
      'now do Y',
      'X is now Z.',
      'Read back: everything is as planned.',
    ]);
    expect(result).toMatchObject({
      changed: true,
      applied: ['one', 'two'],
      skipped: ['three: not now'],
    });
    expect(planStatus(result)).toBe(0);
  });

  it('changes nothing without a yes, in a dry run, or when there is nothing to change', async () => {
    const applied: string[] = [];
    const plan: Plan = { shows: [], changes: [change('one', applied)] };
    const no = scriptedIo(false);
    expect(await runPlan(plan, no)).toMatchObject({
      changed: false,
      declined: true,
      planned: ['one'],
    });
    expect(no.lines).toEqual(['Nothing changed.']);
    const dry = scriptedIo(true);
    expect(await runPlan(plan, dry, { dryRun: true })).toMatchObject({
      changed: false,
      planned: ['one'],
    });
    expect(dry.asked).toBe(0);
    expect(dry.lines).toEqual(['Dry run: nothing changed.']);
    const none = scriptedIo(true);
    await runPlan({ shows: [], changes: [], nothingToChange: 'All set.' }, none);
    expect(none.lines).toEqual(['All set.']);
    expect(applied).toEqual([]);
  });

  it('exits 1 when something reads back other than planned', async () => {
    const result = await runPlan(
      {
        shows: [],
        changes: [change('one', [])],
        readBack: async () => ({ mismatches: ['one: is two'] }),
      },
      scriptedIo(true),
    );
    expect(result.mismatches).toEqual(['one: is two']);
    expect(planStatus(result)).toBe(1);
  });

  it('says what it applied when reading it back fails, and exits 1', async () => {
    const applied: string[] = [];
    const result = await runPlan(
      {
        shows: [],
        changes: [change('one', applied)],
        readBack: () => Promise.reject(new Error('Rate exceeded')),
      },
      scriptedIo(true),
    );
    expect(result).toMatchObject({
      applied: ['one'],
      changed: true,
      mismatches: ['could not read back what was applied: Rate exceeded'],
    });
    expect(planStatus(result)).toBe(1);
  });

  it('says what failed or reads back otherwise where a terminal shows it (standard error)', async () => {
    const applied: string[] = [];
    const warned: string[] = [];
    const io = { ...scriptedIo(true), warn: (line: string) => warned.push(line) };
    await runPlan(
      {
        shows: [],
        independent: true,
        changes: [change('a', applied, true), change('b', applied)],
        readBack: async () => ({ mismatches: ['b: is c'] }),
      },
      io,
    );
    expect(warned).toEqual(['✗ a: a went wrong', '! b: is c']);
    expect(io.lines).toContain('✓ b');
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      terminalIo().warn?.('✗ x');
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual(['✗ x\n']);
  });

  it('stops at a failed change, unless the changes are independent', async () => {
    const applied: string[] = [];
    const dependent: Plan = {
      shows: [],
      changes: [change('a', applied, true), change('b', applied)],
    };
    await expect(runPlan(dependent, scriptedIo(true))).rejects.toThrow('a went wrong');
    expect(applied).toEqual([]);
    // What was changed before the failure, and what was not, is said before the error.
    const third: Plan = {
      shows: [],
      changes: [change('z', applied), ...dependent.changes],
    };
    const partly = scriptedIo(true);
    await expect(runPlan(third, partly)).rejects.toThrow('a went wrong');
    expect(partly.lines.slice(-3)).toEqual(['✓ z', '✗ a', '  not applied: b']);
    applied.length = 0;
    const io = scriptedIo(true);
    const result = await runPlan({ ...dependent, independent: true }, io);
    expect(applied).toEqual(['b']);
    expect(result.failed).toEqual(['a: a went wrong']);
    expect(io.lines).toContain('✗ a: a went wrong');
    expect(planStatus(result)).toBe(1);
  });
  it("gives a command's --json document what it had applied when a change failed", async () => {
    const applied: string[] = [];
    const command = defineCommand({
      spec: {
        name: 'example',
        summary: 'changes z, a and b',
        options: { json: { type: 'flag', help: 'one JSON document' } },
      },
      run: async (_line, io) => {
        const plan: Plan = {
          shows: [],
          changes: [change('z', applied), change('a', applied, true), change('b', applied)],
        };
        await runPlan(plan, io);
        return EXIT.done;
      },
    });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const io = scriptedIo(true);
      expect(await runCommand(command, ['--json'], io)).toBe(EXIT.wrong);
      expect(io.documents).toEqual([
        {
          error: 'failed',
          message: 'a went wrong',
          applied: ['z'],
          failed: ['a: a went wrong'],
          notApplied: ['b'],
        },
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('runCommand', () => {
  it("says AWS's refusal of the credentials as refused, as OpenObserve's", async () => {
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line) => printed.push(line));
    try {
      const noCredentials = Object.assign(
        new Error('Could not load credentials from any providers'),
        {
          name: 'CredentialsProviderError',
        },
      );
      const command = defineCommand({
        spec: {
          name: 'aws',
          summary: 'reads AWS',
          options: { json: { type: 'flag', help: 'JSON' } },
        },
        run: () => Promise.reject(noCredentials),
      });
      const io = scriptedIo(true);
      expect(await runCommand(command, ['--json'], io)).toBe(EXIT.wrong);
      expect(printed).toEqual(['refused: Could not load credentials from any providers']);
      expect(io.documents).toEqual([
        { error: 'refused', message: 'Could not load credentials from any providers' },
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});
