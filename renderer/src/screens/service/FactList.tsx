import type { ReactNode } from 'react';

/** Label and value pairs, as a definition list: read down like a form, value text never interpreted. */
export function FactList({ facts, testId }: { facts: ReadonlyArray<readonly [label: string, value: ReactNode]>; testId?: string }) {
  return (
    <dl className="service-facts" data-testid={testId}>
      {facts.map(([label, value]) => (
        <div key={label} className="service-facts__row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
