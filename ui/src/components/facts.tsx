import type { ReactNode } from 'react';

/** Label–value pairs in a row that wraps (build, application and metrics headers). */
export function Facts({ items, label, big }: { items: [string, ReactNode][]; label?: string; big?: boolean }) {
  return (
    <dl className={big ? 'facts big' : 'facts'} aria-label={label}>
      {items.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
