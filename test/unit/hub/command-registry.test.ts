// The hub's command registry: usage and help generated from each command's schema, and refusals of the options
// coded and worded for their reader — before any database is opened (these runs have none to open).
import { describe, expect, it } from 'vitest';
import { describeCommands, findCommand, hubCommands } from '../../../hub/commands/commands';
import { runCli } from '../../../hub/commands/run';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function command(name: string) {
  const found = findCommand(name);
  if (found === undefined) throw new Error(`no command ${name}`);
  return found;
}

describe('hub command registry', () => {
  it('generates usage for every command, as the reader types it', async () => {
    const overview = await cli('help');
    expect(overview.code).toBe(0);
    expect(overview.out).toContain('usage: npm run hub -- <command>');
    expect(overview.out).toContain('npm run hub -- help <command> shows the options of one command.');
    for (const listed of describeCommands()) {
      expect(overview.out).toMatch(new RegExp(`^  ${listed.name} +${listed.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      const help = await cli('help', listed.name);
      expect({ name: listed.name, code: help.code }).toEqual({ name: listed.name, code: 0 });
      expect(help.out).toContain(`${listed.summary}.\nusage: npm run hub -- ${listed.name}`);
      for (const option of listed.options) {
        expect(help.out).toContain(option.flag);
        expect(help.out).toContain(option.description);
      }
      // `<command> --help` says the same.
      expect((await cli(listed.name, '--help')).out).toBe(help.out);
    }
    expect(hubCommands.map((listed) => listed.name)).toEqual(describeCommands().map((listed) => listed.name));
  });

  it('writes required options bare, optional ones in brackets and repeatable ones with "..."', async () => {
    expect((await cli('help', 'deposit')).out).toContain(
      'usage: npm run hub -- deposit --resident B1001 --amount 25.00 --source online|lobbyKiosk|moneyOrder [--reference "MO 1234"]',
    );
    expect((await cli('help', 'add-staff')).out).toContain('[--unit A-Pod]...');
    expect((await cli('help', 'revoke-device')).out).toContain('[--wipe]');
    expect(await cli('help', 'teleport')).toMatchObject({ code: 2, err: expect.stringContaining('Unknown command "teleport".') });
  });

  it('refuses an unknown option in words, naming the options the command takes', async () => {
    expect(await cli('add-unit', '--nmae', 'C-Pod')).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--nmae': add-unit takes --name."),
    });
    const refusal = command('add-unit').check({ name: 'C-Pod', nmae: 'C-Pod' }, 'console');
    expect(refusal).toMatchObject({ code: 'unknownOption', path: ['nmae'], message: "Unknown option 'nmae': add-unit takes name." });
  });

  it("refuses a bad option value with the schema's path, as each reader writes it", async () => {
    const typed = await cli('deposit', '--resident', 'B1001', '--amount', 'lots', '--source', 'online');
    expect(typed.code).toBe(2);
    expect(typed.err).toContain('--amount must be an amount in dollars such as 25.00, not "lots".');
    expect(typed.err).toContain('usage: npm run hub -- deposit');
    const sent = command('deposit').check({ resident: 'B1001', amount: 'lots', source: 'online' }, 'console');
    expect(sent).toMatchObject({ code: 'badOptionValue', path: ['amount'], message: 'options.amount must be an amount in dollars such as 25.00, not "lots".' });
    expect(command('create-site').check({ name: 'Jail', charactersPerStamp: '12' }, 'console')).toMatchObject({
      code: 'badOptionValue',
      path: ['charactersPerStamp'],
    });
    expect(command('create-site').check({ name: 'Jail', charactersPerStamp: 12 }, 'console')).toMatchObject({
      code: 'badOptionValue',
      path: ['charactersPerStamp'],
      message: 'options.charactersPerStamp must be text.',
    });
    expect(command('deposit').check({ amount: '5', source: 'online' }, 'commandLine')).toMatchObject({
      code: 'missingOption',
      path: ['resident'],
      message: '--resident is required: the resident id or booking number.',
    });
  });

  it('lists every command with its options and their schema, for a console to build on', () => {
    const deposit = describeCommands().find((listed) => listed.name === 'deposit');
    expect(deposit?.options.map((option) => [option.key, option.flag, option.kind, option.required])).toEqual([
      ['resident', '--resident', 'text', true],
      ['amount', '--amount', 'text', true],
      ['source', '--source', 'text', true],
      ['reference', '--reference', 'text', false],
    ]);
    expect(deposit?.schema.parse({ resident: 'B1001', amount: '25.50', source: 'online' })).toEqual({
      resident: 'B1001',
      amount: 2550,
      source: 'online',
      reference: undefined,
    });
  });
});
