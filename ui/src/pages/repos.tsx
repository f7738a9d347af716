import { Loaded } from '../components/feedback.tsx';
import { useApi } from '../components/use-api.ts';
import { href } from '../router.ts';
import type { Repo } from '../types.ts';

export function Repos() {
  const repos = useApi<Repo[]>('/api/repos');
  return (
    <>
      <h1>Repositories</h1>
      <Loaded {...repos}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted" role="status">No repositories yet. An admin adds them under Settings.</p>
          ) : (
            <ul className="cards" aria-label="Repositories">
              {list.map((repo) => (
                <li key={repo.id}>
                  <a href={href('repos', repo.namespace, repo.name)}>{repo.slug}</a>
                  <span className="muted"> · {repo.defaultBranch} · {repo.provider}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}
