import { describe, expect, it } from 'vitest';
import { dateTime, dollarsAsCents, oneOf, optionalWholeNumber, stampBooks } from '../../../hub/commands/options';
import { defineCommand } from '../../../hub/commands/registry';
import { dollars } from '../../../hub/commands/format';

// One command with an option of each kind, so values are read and refused exactly as the command line does it.
const probe = defineCommand({
  name: 'probe',
  summary: 'Reads options',
  options: {
    amount: dollarsAsCents('how much'),
    stamps: optionalWholeNumber({ description: 'stamps', min: 1, max: 100, example: '10' }),
    kind: oneOf(['onSite', 'remote'] as const, 'on site or by video'),
    starts: dateTime('when'),
    books: stampBooks('books'),
  },
  run: () => Promise.resolve(),
});
const valid = { amount: '1', kind: 'remote', starts: '2025-06-01T14:00' };

function read(typed: Record<string, string>): Record<string, unknown> {
  const refusal = probe.check({ ...valid, ...typed }, 'commandLine');
  if (refusal !== null) throw refusal;
  return probe.options.parse({ ...valid, ...typed });
}

describe('hub CLI arguments', () => {
  it('reads dollars into cents without floating point', () => {
    expect(['25', '25.5', '25.50', '$0.07', '1000000'].map((amount) => read({ amount }).amount)).toEqual([2500, 2550, 2550, 7, 100_000_000]);
    for (const amount of ['25.555', '-3', '1e3', 'abc', '']) expect(() => read({ amount })).toThrow(/--amount/);
  });

  it('writes cents as dollars', () => {
    expect([0, 7, 2550, -250].map(dollars)).toEqual(['$0.00', '$0.07', '$25.50', '-$2.50']);
  });

  it('checks whole numbers, choices, dates and books, naming the option', () => {
    expect(read({ stamps: '12' }).stamps).toBe(12);
    expect(read({}).stamps).toBeUndefined();
    expect(() => read({ stamps: '1000' })).toThrow(/--stamps must be between 1 and 100/);
    expect(read({ kind: 'remote' }).kind).toBe('remote');
    expect(() => read({ kind: 'Remote' })).toThrow(/--kind must be one of onSite, remote/);
    expect(read({ starts: '2025-06-01T14:00' }).starts).toBe(new Date(2025, 5, 1, 14, 0).getTime());
    expect(() => read({ starts: 'tomorrow' })).toThrow(/--starts/);
    expect(read({ books: '5:250, 10:450' }).books).toEqual([
      { stamps: 5, priceCents: 250 },
      { stamps: 10, priceCents: 450 },
    ]);
  });
});
