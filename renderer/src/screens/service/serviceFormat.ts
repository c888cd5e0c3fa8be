// Sizes and clock times as service mode shows them. Pure, in the screen's language.
import type { LanguageCode } from '../../../../main/contract';
import { intlLocale } from '../../i18n/format';

/** "12.3 MB", "850 kB", "0 bytes": the largest unit that keeps the number at or above 1. */
export function formatBytes(bytes: number, language: LanguageCode): string {
  const units = [
    ['gigabyte', 1e9],
    ['megabyte', 1e6],
    ['kilobyte', 1e3],
  ] as const;
  for (const [unit, size] of units) {
    if (bytes >= size) return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / size);
  }
  return new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
}

// Clock times are formatClock in i18n/format.ts, in the site's zone like every other time on screen.
export { formatClock } from '../../i18n/format';
