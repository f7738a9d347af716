import type { ReactNode } from 'react';
import { href, useRoute } from '../router.ts';
import { allowed, useSession } from '../session.tsx';

const sections: { path: string; label: string; needs?: string }[] = [
  { path: 'repos', label: 'Builds' },
  { path: 'environments', label: 'Environments' },
  { path: 'applications', label: 'Applications' },
  { path: 'previews', label: 'Previews' },
  { path: 'metrics', label: 'Metrics' },
  { path: 'audit', label: 'Audit', needs: 'audit.read' },
  { path: 'settings', label: 'Settings' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const { parts } = useRoute();
  const current = parts[0] ?? 'repos';
  return (
    <>
      <header className="top">
        <a className="brand" href={href('repos')}>
          Trunkline
        </a>
        <nav aria-label="Main">
          {sections
            .filter((section) => !section.needs || allowed(user, section.needs))
            .map((section) => (
            <a key={section.path} href={href(section.path)} aria-current={current === section.path ? 'page' : undefined}>
              {section.label}
            </a>
          ))}
        </nav>
        <div className="who">
          <span aria-label="Signed in as">
            {user.login} <span className="role">{user.role}</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="page">{children}</main>
    </>
  );
}
