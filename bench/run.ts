/**
 * `npm run bench`: Trunkline's own overhead, as JSON on stdout.
 * - stepOverhead: a 50-step pipeline of trivial commands through the
 *   scheduler and exec backend vs. the same commands in one shell script
 *   (target: ≤ 10 ms added per step);
 * - containerStepOverhead: a 5-step `type: docker` pipeline through the
 *   container backend vs. 5 bare `podman run --rm` (target: ≤ 250 ms added
 *   per step — the run's network, volume and cleanup included);
 * - triggerToFirstStep: API call to first step started through the real
 *   server (target: ≤ 100 ms median);
 * - pushToFirstStep: `git push` to the built-in host to first step started
 *   (target: ≤ 200 ms median);
 * - imageBuild: build and push an image with a 100 MB application layer vs
 *   `tar czf` of the same files (target ratio ≤ 1.5) and vs `buildah bud`
 *   (target: faster);
 * - gitops: applications × 10 objects (BENCH_GITOPS_APPS, default 1,000, the target scale) — first sync,
 *   steady reconcile (targets: 0 API writes, ≤ 1 s CPU, ≤ 300 MB RSS),
 *   commit-to-applied (target ≤ 2 s), first sync vs `kubectl apply
 *   --server-side` (target ratio ≤ 1.3);
 * - runners: 4 `trunkline runner` processes — pickup from a stage queued to
 *   its first step on a runner (target ≤ 50 ms median), and builds per
 *   minute with 4 runners; again with the store on Postgres when
 *   TRUNKLINE_TEST_DATABASE_URL is set (a scratch database beside it);
 * - audit: one hashed audit append as a mutating request pays it (target:
 *   ≤ 1 ms median), chain verification and export rates.
 */
import { cpus } from 'node:os';
import { containerStepOverhead } from './container-step-overhead.ts';
import { auditBench } from './audit.ts';
import { gitopsBench } from './gitops.ts';
import { imageBuild } from './image-build.ts';
import { pushToFirstStep } from './push-latency.ts';
import { runnerBench } from './runner-pickup.ts';
import { withScratchDatabase } from './scratch-database.ts';
import { stepOverhead } from './step-overhead.ts';
import { triggerToFirstStep } from './trigger-latency.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const runnerOptions = { pickups: Number(process.env.BENCH_BUILDS ?? 30), builds: Number(process.env.BENCH_RUNNER_BUILDS ?? 200), runners: 4 };
const postgresUrl = process.env['TRUNKLINE_TEST_DATABASE_URL'];
const results = {
  node: process.version,
  cpus: cpus().length,
  stepOverhead: [await stepOverhead(50, false, rounds), await stepOverhead(50, true, rounds)],
  containerStepOverhead: await containerStepOverhead(5, Number(process.env.BENCH_CONTAINER_ROUNDS ?? 3)),
  triggerToFirstStep: await triggerToFirstStep(Number(process.env.BENCH_BUILDS ?? 30)),
  pushToFirstStep: await pushToFirstStep(Number(process.env.BENCH_BUILDS ?? 30)),
  imageBuild: await imageBuild(100, Number(process.env.BENCH_IMAGE_ROUNDS ?? 3)),
  runners: await runnerBench(runnerOptions),
  runnersOnPostgres: postgresUrl
    ? await withScratchDatabase(postgresUrl, (databaseUrl) => runnerBench({ ...runnerOptions, databaseUrl }))
    : 'skipped: set TRUNKLINE_TEST_DATABASE_URL to a Postgres database the bench may create databases beside',
  gitops: await gitopsBench({ apps: Number(process.env.BENCH_GITOPS_APPS ?? 1000), objectsPerApp: 10, rounds: rounds }),
  audit: await auditBench(Number(process.env.BENCH_AUDIT_ENTRIES ?? 10_000)),
  targets: {
    auditAppendMedianMs: 1,
    addedPerStepMs: 10,
    containerAddedPerStepMs: 250,
    triggerToFirstStepMedianMs: 100,
    pushToFirstStepMedianMs: 200,
    imageBuildRatioToTarCzf: 1.5,
    gitopsSteadyApiWrites: 0,
    gitopsSteadyCpuMs: 1000,
    gitopsSteadyRssMb: 300,
    gitopsCommitToAppliedMedianMs: 2000,
    gitopsFirstSyncToKubectlRatio: 1.3,
    runnerPickupMedianMs: 50,
  },
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
