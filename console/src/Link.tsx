// A link to a console page: a real <a href> (open in a new tab, read by screen readers as a link) that moves within
// the app on a plain click.
import type { MouseEvent, ReactNode } from 'react';
import { consoleBase, navigate } from './router';

export function Link({ to, children, className, current }: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={`${consoleBase}${to}`} onClick={onClick} className={className} aria-current={current === true ? 'page' : undefined}>
      {children}
    </a>
  );
}
