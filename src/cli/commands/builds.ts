import type { ApiClient } from '../client.ts';

interface Step {
  number: number;
  name: string;
  status: string;
  exitCode?: number;
  error?: string;
}
interface Stage {
  number: number;
  name: string;
  status: string;
  error?: string;
  steps: Step[];
}
interface Build {
  number: number;
  status: string;
  event: string;
  branch: string;
  commitSha: string;
  message: string;
  error?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}
interface Detail {
  build: Build;
  stages: Stage[];
}

const finished = new Set(['success', 'failure', 'error', 'killed', 'skipped']);
const write = (text: string) => process.stdout.write(text);

function repoPath(repo: string): string {
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new Error(`expected a repository as NAMESPACE/NAME, got "${repo}"`);
  return `/api/repos/${repo}`;
}

export interface TriggerOptions {
  branch?: string;
  ref?: string;
  commit?: string;
  event: string;
  param: Record<string, string>;
  follow: boolean;
}

/** Returns the exit code: with `--follow`, 0 only when the build succeeded. */
export async function triggerCommand(client: ApiClient, repo: string, options: TriggerOptions): Promise<number> {
  const build = await client.post<Build>(`${repoPath(repo)}/builds`, {
    event: options.event,
    branch: options.branch,
    ref: options.ref,
    commit: options.commit,
    params: options.param,
  });
  write(`build #${build.number} ${build.status} (${build.branch} ${build.commitSha.slice(0, 8)})\n`);
  return options.follow ? followBuild(client, repo, build.number) : 0;
}

/** Streams every step's log in order until the build finishes; returns the exit code. */
export async function followBuild(client: ApiClient, repo: string, number: number): Promise<number> {
  const path = `${repoPath(repo)}/builds/${number}`;
  const { stages } = await client.get<Detail>(path);
  for (const stage of stages) {
    for (const step of stage.steps) {
      if (step.status === 'skipped') continue;
      write(`── ${stage.name}/${step.name}\n`);
      for await (const event of client.events(`${path}/logs/${stage.number}/${step.number}/stream`)) {
        if (event.event === 'line') write(`${(event.data as { out: string }).out}\n`);
      }
    }
  }
  let detail = await client.get<Detail>(path);
  // Detached and skipped steps end before the build does: wait for the build itself.
  for await (const _ of waitUntil(() => finished.has(detail.build.status))) detail = await client.get<Detail>(path);
  write(summary(detail));
  return detail.build.status === 'success' ? 0 : 1;
}

async function* waitUntil(done: () => boolean): AsyncGenerator<void> {
  while (!done()) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    yield;
  }
}

function summary({ build, stages }: Detail): string {
  const lines = [`build #${build.number}: ${build.status}${build.error ? ` — ${build.error}` : ''}`];
  for (const stage of stages) {
    lines.push(`  ${stage.name}: ${stage.status}${stage.error ? ` (${stage.error})` : ''}`);
    for (const step of stage.steps) {
      const detail = step.exitCode !== undefined && step.exitCode !== 0 ? ` exit ${step.exitCode}` : '';
      lines.push(`    ${step.name}: ${step.status}${detail}${step.error ? ` (${step.error})` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function listCommand(client: ApiClient, repo: string, options: { branch?: string; status?: string; limit?: number }): Promise<void> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined) query.set(key, String(value));
  const builds = await client.get<Build[]>(`${repoPath(repo)}/builds?${query}`);
  for (const build of builds) {
    const took = build.startedAt && build.finishedAt ? ` ${((build.finishedAt - build.startedAt) / 1000).toFixed(1)}s` : '';
    write(`#${build.number}\t${build.status}\t${build.event}\t${build.branch}\t${build.commitSha.slice(0, 8)}${took}\t${build.message.split('\n')[0]}\n`);
  }
}

export async function statusCommand(client: ApiClient, repo: string, number: number): Promise<number> {
  const detail = await client.get<Detail>(`${repoPath(repo)}/builds/${number}`);
  write(summary(detail));
  return detail.build.status === 'success' ? 0 : 1;
}

export async function logsCommand(client: ApiClient, repo: string, number: number, stage: number, step: number, options: { follow: boolean }): Promise<void> {
  const path = `${repoPath(repo)}/builds/${number}/logs/${stage}/${step}`;
  if (options.follow) {
    for await (const event of client.events(`${path}/stream`)) if (event.event === 'line') write(`${(event.data as { out: string }).out}\n`);
    return;
  }
  for (const line of await client.get<{ out: string }[]>(path)) write(`${line.out}\n`);
}

export async function cancelCommand(client: ApiClient, repo: string, number: number): Promise<void> {
  const build = await client.post<Build>(`${repoPath(repo)}/builds/${number}/cancel`);
  write(`build #${build.number}: ${build.status}\n`);
}

export async function restartCommand(client: ApiClient, repo: string, number: number, options: { follow: boolean }): Promise<number> {
  const build = await client.post<Build>(`${repoPath(repo)}/builds/${number}/restart`);
  write(`build #${build.number} restarts #${number}\n`);
  return options.follow ? followBuild(client, repo, build.number) : 0;
}
