// Times as the desk reads them: the date and the clock time, in the browser's own zone (the facility's desk).
export function formatWhen(epochMs: number): string {
  return new Date(epochMs).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString('en-US', { dateStyle: 'long' });
}
