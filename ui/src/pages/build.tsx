import { useState, type ReactNode } from 'react';
import { post } from '../api.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { Dag, type DagNode } from '../components/dag.tsx';
import { Facts } from '../components/facts.tsx';
import { ErrorBox, Loaded, Status } from '../components/feedback.tsx';
import { LogView } from '../components/log-view.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, duration, shortSha } from '../format.ts';
import { href, navigate } from '../router.ts';
import { useCan } from '../session.tsx';
import { finished, type Build, type BuildDetail, type Stage } from '../types.ts';
import { buildDuration } from './builds.tsx';

interface PlanLike {
  steps?: { name?: string; dependsOn?: string[] }[];
}

/** The steps of a stage as DAG nodes, with dependencies from the stage's compiled plan. */
export function stepNodes(stage: Stage): DagNode[] {
  const plan = (stage.plan ?? {}) as PlanLike;
  const deps = new Map((plan.steps ?? []).map((step) => [step.name, step.dependsOn ?? []]));
  return stage.steps.map((step) => ({
    id: `${stage.number}.${step.number}`,
    label: step.name,
    status: step.status,
    dependsOn: (deps.get(step.name) ?? []).map((name) => stage.steps.find((s) => s.name === name)).filter((s) => s !== undefined).map((s) => `${stage.number}.${s.number}`),
    detail: [step.exitCode !== undefined ? `exit code ${step.exitCode}` : '', step.error ?? '', step.errorIgnored ? 'failure ignored' : '', step.startedAt ? duration((step.finishedAt ?? Date.now()) - step.startedAt) : '']
      .filter(Boolean)
      .join(', '),
  }));
}

/** The step to show first: a failed one, else a running one, else the last that ran. */
export function defaultStep(stages: Stage[]): string | undefined {
  const all = stages.flatMap((stage) => stage.steps.map((step) => ({ id: `${stage.number}.${step.number}`, step })));
  const pick =
    all.find(({ step }) => ['failure', 'error'].includes(step.status) && !step.errorIgnored) ??
    all.find(({ step }) => step.status === 'running') ??
    all.filter(({ step }) => step.startedAt).at(-1) ??
    all[0];
  return pick?.id;
}

export function BuildPage({ repo, number }: { repo: string; number: number }) {
  const detail = useApi<BuildDetail>(`/api/repos/${repo}/builds/${number}`, { pollMs: 1500, keepPolling: (d) => !finished(d.build.status) });
  const [chosen, setChosen] = useState<string>();
  const [namespace = '', name = ''] = repo.split('/');
  return (
    <>
      <h1>
        <a href={href('repos', namespace, name)}>{repo}</a> / build #{number}
      </h1>
      <Loaded {...detail}>
        {({ build, stages }) => {
          const selected = chosen ?? defaultStep(stages);
          const [stageNumber, stepNumber] = (selected ?? '').split('.').map(Number);
          const stage = stages.find((s) => s.number === stageNumber);
          const step = stage?.steps.find((s) => s.number === stepNumber);
          return (
            <>
              <BuildHeader repo={repo} build={build} onChanged={detail.reload} />
              {stages.map((s) => (
                <section key={s.id} className="stage" aria-label={`Pipeline ${s.name}`}>
                  <h2>
                    {s.name} <Status value={s.status} label={`pipeline ${s.name}`} />
                    {s.dependsOn.length > 0 && <span className="muted"> after {s.dependsOn.join(', ')}</span>}
                  </h2>
                  {s.error && <p className="error">{s.error}</p>}
                  <div className="dag-scroll">
                    <Dag label={`Steps of ${s.name}`} nodes={stepNodes(s)} selected={selected} onSelect={setChosen} />
                  </div>
                </section>
              ))}
              {stage && step ? (
                <>
                  <h2>
                    {step.name} <Status value={step.status} label={`step ${step.name}`} />
                    {step.exitCode !== undefined && <span className="muted"> exit code {step.exitCode}</span>}
                  </h2>
                  {step.error && <p className="error">{step.error}</p>}
                  <LogView key={step.id} stepLabel={step.name} url={`/api/repos/${repo}/builds/${number}/logs/${stage.number}/${step.number}/stream`} />
                </>
              ) : (
                <p className="muted">No steps yet.</p>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function BuildHeader({ repo, build, onChanged }: { repo: string; build: Build; onChanged(): void }) {
  const can = useCan();
  const [error, setError] = useState<unknown>();
  const [namespace = '', name = ''] = repo.split('/');
  const done = finished(build.status);
  return (
    <div className="build-head">
      <Facts
        items={[
          ['Status', <Status value={build.status} label="build" />],
          ['Branch', build.branch],
          ['Event', build.event],
          [
            'Commit',
            <>
              <code>{shortSha(build.commitSha)}</code> {build.message.split('\n', 1)[0]}
            </>,
          ],
          ['Author', build.authorLogin || build.authorName || build.trigger],
          ['Duration', duration(buildDuration(build))],
          ['Started', ago(build.startedAt ?? build.createdAt)],
          ...(build.parentNumber ? [['Restart of', <a href={href('repos', namespace, name, 'builds', build.parentNumber)}>#{build.parentNumber}</a>] as [string, ReactNode]] : []),
        ]}
      />
      {build.error && <p className="error">{build.error}</p>}
      <div className="actions">
        {!done && can('build.cancel') && (
          <ConfirmButton
            label="Cancel build"
            danger
            question={`Stop build #${build.number}? Running steps are killed.`}
            onConfirm={async () => {
              await post(`/api/repos/${repo}/builds/${build.number}/cancel`);
              onChanged();
            }}
          />
        )}
        {done && can('build.restart') && (
          <button
            type="button"
            onClick={() => {
              setError(undefined);
              post<Build>(`/api/repos/${repo}/builds/${build.number}/restart`).then(
                (restarted) => navigate(href('repos', namespace, name, 'builds', restarted.number)),
                setError,
              );
            }}
          >
            Restart build
          </button>
        )}
      </div>
      <ErrorBox error={error} />
    </div>
  );
}
