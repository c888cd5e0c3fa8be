import { describe, expect, it } from 'vitest';
import type { DeviceLogLine } from '../../../main/contract';
import { linesToShow } from '../../../renderer/src/screens/service/logLines';

const line = (at: number, level: DeviceLogLine['level'], message: string, fields = ''): DeviceLogLine => ({ at, level, message, fields });

describe('the service log view', () => {
  const log = [
    line(1, 'info', 'kiosk started'),
    ...Array.from({ length: 120 }, (_, index) => line(10 + index, 'info', 'pull batch applied', `{"changes":${index}}`)),
    line(200, 'warn', 'hub unreachable', '{"code":"network"}'),
    line(201, 'warn', 'hub unreachable', '{"code":"timeout"}'),
    line(202, 'info', 'pull batch applied'),
  ];

  it('lists newest first and folds a run of the same routine line into one with its count', () => {
    const shown = linesToShow(log, 'all');
    expect(shown.map(({ line: { message }, count }) => `${message} ×${count}`)).toEqual([
      'pull batch applied ×1',
      'hub unreachable ×1',
      'hub unreachable ×1',
      'pull batch applied ×120',
      'kiosk started ×1',
    ]);
    // The folded line is the newest of its run, so its time says when it last happened.
    expect(shown[3]?.line.at).toBe(129);
  });

  it('shows only problems when asked, each on its own line', () => {
    expect(linesToShow(log, 'problems').map(({ line: { fields } }) => fields)).toEqual(['{"code":"timeout"}', '{"code":"network"}']);
  });
});
