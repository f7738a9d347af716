import { useState } from 'react';
import { query } from '../api.ts';
import { Loaded, Status } from '../components/feedback.tsx';
import { DataTable } from '../components/table.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, duration, firstLine, shortSha } from '../format.ts';
import { href, navigate } from '../router.ts';
import type { Build } from '../types.ts';

const statuses = ['pending', 'running', 'success', 'failure', 'error', 'killed', 'skipped'];

export function buildDuration(build: Build, now = Date.now()): number | undefined {
  if (!build.startedAt) return undefined;
  return (build.finishedAt ?? now) - build.startedAt;
}

/** A repository's builds, newest first, filtered by branch and status (kept in the URL). */
export function Builds({ repo, branch, status }: { repo: string; branch: string; status: string }) {
  const [branchInput, setBranchInput] = useState(branch);
  const builds = useApi<Build[]>(`/api/repos/${repo}/builds${query({ branch, status, limit: 50 })}`, { pollMs: 3000 });
  const [namespace = '', name = ''] = repo.split('/');
  const filter = (next: { branch?: string; status?: string }) => {
    const q = query({ branch: next.branch ?? branch, status: next.status ?? status });
    navigate(`${href('repos', namespace, name)}${q}`);
  };
  return (
    <>
      <h1>
        <a href={href('repos')}>Repositories</a> / {repo}
      </h1>
      <form
        className="filters"
        role="search"
        aria-label="Filter builds"
        onSubmit={(event) => {
          event.preventDefault();
          filter({ branch: branchInput.trim() });
        }}
      >
        <label className="field inline">
          Branch
          <input value={branchInput} onChange={(event) => setBranchInput(event.target.value)} placeholder="any" />
        </label>
        <label className="field inline">
          Status
          <select value={status} onChange={(event) => filter({ status: event.target.value })}>
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <Loaded {...builds}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No builds{branch || status ? ' match these filters' : ' yet'}.</p>
          ) : (
            <DataTable
              label="Builds"
              columns={['Build', 'Status', 'Branch', 'Event', 'Commit', 'Author', 'Duration', 'Started']}
              cellClass={{ Commit: 'message' }}
              rows={list}
              rowKey={(build) => build.number}
              cells={(build) => [
                <a href={href('repos', namespace, name, 'builds', build.number)}>#{build.number}</a>,
                <Status value={build.status} />,
                build.branch,
                build.event,
                <>
                  <code>{shortSha(build.commitSha)}</code> {firstLine(build.message)}
                </>,
                build.authorLogin || build.authorName || build.trigger,
                duration(buildDuration(build)),
                ago(build.startedAt ?? build.createdAt),
              ]}
            />
          )
        }
      </Loaded>
    </>
  );
}
