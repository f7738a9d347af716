/**
 * The environment pages of the web UI in real Chromium against a real
 * `trunkline server` whose pipeline deploys through `trunkline deploy` and
 * `trunkline release` to the fake kube API server (cluster `default`): the
 * matrix with production awaiting approval, production actions gated on the
 * environment's sync role, approve and sync from the application page, a
 * rollback to a chosen release, delivery metrics, the audit log, and a
 * sync inside a deny window with an override reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startFakeApiServer, type FakeApiServer } from '../kube-fake/index.ts';
import { api } from '../helpers/api.ts';
import { browserMissing, screenshot } from '../helpers/browser.ts';
import { GitClient, withCredentials } from '../helpers/git-client.ts';
import { finishRollouts } from '../helpers/rollouts.ts';
import { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { UiHarness } from './ui-harness.ts';

const skip = browserMissing();
if (skip) console.log(`# skipping the environment UI tests: ${skip}`);

const environmentsYaml = `environments:
  - name: test
    kind: test
    cluster: default
    deploy: pipeline
    accepts: { trunk: true }
  - name: staging
    kind: staging
    cluster: default
    deploy: auto
    accepts: { trunk: true }
  - name: production
    kind: production
    cluster: default
    deploy: manual
    accepts: { trunk: true }
    approvals: { required: 1, roles: [release-manager], fourEyes: true }
`;

const pipeline = `kind: pipeline
type: exec
name: deliver
clone:
  disable: true
steps:
- name: deploy
  commands:
  - trunkline deploy api --env test
- name: release
  commands:
  - trunkline release api
`;

interface Cell {
  version: { imageTag: string } | null;
  sync: string;
  health: string;
  pending: { imageTag: string; awaitingApproval: boolean } | null;
}

describe('web UI: environments', { skip, timeout: 900_000 }, () => {
  let fake: FakeApiServer;
  let kube: KubeClient;
  let stopRollouts: (() => void) | undefined;
  let server: ServerProcess;
  let work: string;
  let base: string;
  let ui: UiHarness;
  let source: GitClient;
  let config: GitClient;
  const tokens: Record<string, string> = {};
  let call: ReturnType<typeof api>;
  const as = (login: string) => api(base, tokens[login]);

  const build = (number: number) =>
    waitFor(
      async () => {
        const { body } = await call<{ build: { status: string } }>('GET', `/api/repos/acme/api/builds/${number}`);
        return ['success', 'failure', 'error', 'killed'].includes(body.build.status) ? body.build : undefined;
      },
      `build ${number}`,
      240_000,
    );
  const cell = async (env: string) => {
    const { body } = await call<{ services: { service: string; cells: Record<string, Cell | null> }[] }>('GET', '/api/environments/matrix');
    return body.services.find((s) => s.service === 'api')?.cells[env] ?? null;
  };
  /** Pushes a commit, waits for its build, and answers the tag waiting for production. */
  const deliver = async (number: number, file: string, message: string): Promise<string> => {
    await source.commit({ ...(number === 1 ? { '.drone.yml': pipeline } : {}), 'main.go': file }, message);
    await source.git('push', '-q', 'origin', 'main');
    const done = await build(number);
    assert.equal(done.status, 'success', JSON.stringify(done));
    const waiting = await waitFor(
      async () => {
        const c = await cell('production');
        const staged = await cell('staging');
        return c?.pending?.awaitingApproval && staged?.version?.imageTag === c.pending.imageTag && staged.health === 'Healthy' ? c.pending.imageTag : undefined;
      },
      `build ${number} waiting for production`,
      120_000,
    );
    assert.match(waiting, new RegExp(`^${number}-main-[0-9a-f]{8}$`));
    return waiting;
  };

  let firstTag = '';
  before(
    async () => {
      fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
      stopRollouts = finishRollouts(fake);
      kube = createKubeClient({ kubeconfig: fake.kubeconfig });
      for (const name of ['test', 'staging', 'production']) await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'test-admin' });

      work = mkdtempSync(join(tmpdir(), 'tl-ui-envs-'));
      server = new ServerProcess(join(work, 'data'));
      base = await server.url;
      tokens.admin = ServerProcess.token(join(work, 'data'));
      call = api(base, tokens.admin);
      for (const [login, role] of [
        ['dev', 'developer'],
        ['rm', 'release-manager'],
      ] as const) {
        assert.equal((await call('POST', '/api/users', { login, role, email: `${login}@example.com` })).status, 201);
        tokens[login] = (await call<{ token: string }>('POST', `/api/users/${login}/tokens`, { name: 'ui-test' })).body.token;
      }
      assert.equal((await call('POST', '/api/clusters', { name: 'default', kubeconfig: fake.kubeconfig })).status, 201);

      const { body: configRepo } = await call<{ httpUrl: string }>('GET', '/api/repos/platform/config');
      config = await GitClient.init();
      await config.git('remote', 'add', 'origin', withCredentials(configRepo.httpUrl, 'admin', tokens.admin));
      const values = 'image:\n  repository: registry.local/acme/api\n  tag: none\n';
      await config.commit({ 'environments.yaml': environmentsYaml, 'environments/test/api/values.yaml': values, 'environments/staging/api/values.yaml': values, 'environments/production/api/values.yaml': values }, 'environments');
      await config.git('push', '-q', 'origin', 'main');
      await waitFor(async () => (await call<unknown[]>('GET', '/api/applications')).body.length === 3, 'generated applications');

      const { body: repo } = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'api' });
      source = await GitClient.init();
      await source.git('remote', 'add', 'origin', withCredentials(repo.httpUrl, 'admin', tokens.admin));
      firstTag = await deliver(1, 'package main\n', 'feat: first version');
      ui = await UiHarness.launch(base, tokens);
    },
    { timeout: 600_000 },
  );

  after(async () => {
    stopRollouts?.();
    await ui?.close();
    await server?.stop();
    await kube?.close();
    await fake?.close();
    for (const dir of [work, source?.dir, config?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows the service's versions per environment, with production awaiting approval standing out", async () => {
    const page = await ui.open('dev', '#/environments');
    const matrix = page.getByRole('table', { name: 'Environments matrix' });
    const row = matrix.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'api' }) });
    for (const env of ['test', 'staging']) await row.locator(`td[data-label="${env}"]`).getByText(firstTag, { exact: true }).waitFor();
    const production = row.locator('td[data-label="production"] a.cell');
    await production.getByText(`Awaiting approval: ${firstTag} (0/1)`).waitFor();
    assert.match((await production.getAttribute('class')) ?? '', /\bawaiting\b/);
    const staging = row.locator('td[data-label="staging"] a.cell');
    const border = (locator: typeof production) => locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(el).borderTopColor);
    assert.notEqual(await border(production), await border(staging), 'the awaiting cell looks different');
    assert.equal(await production.getAttribute('href'), '#/applications/api-production');
    await matrix.getByRole('columnheader', { name: 'production (production)' }).waitFor();
    await screenshot(page, 'environments');
    await page.context().close();
  });

  it('hides production approve and sync from a developer, and the API refuses them', async () => {
    const page = await ui.open('dev', '#/applications/api-production');
    await page.getByRole('group', { name: 'Actions' }).getByText('Changes to production need the release-manager role; you are developer.').waitFor();
    for (const name of ['Approve', 'Sync', 'Roll back', 'Promote']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `${name} is hidden`);
    assert.equal((await as('dev')('POST', '/api/environments/production/services/api/approvals', { comment: 'lgtm' })).status, 403);
    assert.equal((await as('dev')('POST', '/api/environments/production/services/api/sync', {})).status, 403);
    // In test the same developer may act.
    await page.goto(`${base}/#/applications/api-test`);
    await page.getByRole('button', { name: 'Sync', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve', exact: true }).count(), 0, 'approvals count from release managers');
    await page.context().close();
  });

  it('lets a release manager approve with a comment and sync production from the application page, then shows the release', async () => {
    const page = await ui.open('rm', '#/applications/api-production');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const approve = page.getByRole('dialog', { name: 'Confirm: Approve' });
    await approve.getByLabel('Comment').fill('checked in staging');
    await approve.getByRole('button', { name: 'Confirm approve' }).click();
    await approve.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByRole('dialog', { name: 'Confirm: Sync' }).getByText('to production').waitFor();
    await page.getByRole('dialog', { name: 'Confirm: Sync' }).getByRole('button', { name: 'Confirm sync' }).click();
    const releases = page.getByRole('table', { name: 'Releases' });
    const release = releases.getByRole('row').filter({ hasText: firstTag });
    await release.waitFor();
    const text = (await release.textContent()) ?? '';
    for (const expected of ['production', 'deploy', 'rm', 'yes']) assert.ok(text.includes(expected), `${expected} in ${text}`);
    await page.getByTitle('sync: Synced').waitFor();
    await screenshot(page, 'environment-application');
    assert.equal((await cell('production'))?.version?.imageTag, firstTag);
    await page.context().close();
  });

  it('rolls production back to a chosen release', { timeout: 600_000 }, async () => {
    const secondTag = await deliver(2, 'package main\n\nfunc main() {}\n', 'fix: second version');
    assert.equal((await as('rm')('POST', '/api/environments/production/services/api/approvals', { comment: 'ok' })).status, 201);
    assert.equal((await as('rm')('POST', '/api/environments/production/services/api/sync', {})).status, 202);
    const page = await ui.open('rm', '#/applications/api-production');
    await page.getByRole('table', { name: 'Releases' }).getByRole('row').filter({ hasText: secondTag }).waitFor();
    const first = (await as('rm')<{ id: string; version: { imageTag: string } }[]>('GET', '/api/releases?service=api&environment=production')).body.find((r) => r.version.imageTag === firstTag);
    assert.ok(first);
    await page.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm: Roll back' });
    await dialog.getByLabel('Revision').selectOption(first.id);
    await dialog.getByLabel('Comment (optional)').fill('latency up');
    await dialog.getByRole('button', { name: 'Confirm roll back' }).click();
    const rollback = page.getByRole('table', { name: 'Releases' }).getByRole('row').filter({ hasText: 'rollback' });
    await rollback.waitFor();
    assert.ok(((await rollback.textContent()) ?? '').includes(firstTag));
    await waitFor(async () => (await cell('production'))?.version?.imageTag === firstTag, 'production back on the first version');
    await page.context().close();
  });

  it('shows the deployments in the delivery metrics', async () => {
    const page = await ui.open('dev', '#/metrics');
    await page.getByRole('heading', { name: 'Delivery metrics', exact: true }).waitFor();
    await page.getByLabel('Service').selectOption('api');
    await page.getByLabel('Environment').selectOption('production');
    await page.getByLabel('Period').selectOption('7');
    const summary = page.getByLabel('Summary');
    const deployments = summary.locator('div').filter({ has: page.getByText('Deployments', { exact: true }) }).locator('dd');
    await waitFor(async () => (await deployments.textContent()) === '3 (1 failed)', 'three deployments (two deploys and a rollback), the rolled-back one failed').catch(async (error: unknown) => {
      throw new Error(`${String(error)}; the summary shows ${await summary.textContent()}`);
    });
    const chart = page.getByRole('img', { name: 'Deployments per day' });
    await chart.locator('title').filter({ hasText: /: 3$/ }).waitFor({ state: 'attached' });
    await page.getByLabel('Change failure rate per day').locator('title').filter({ hasText: /: 33\.33%$/ }).waitFor({ state: 'attached' });
    await screenshot(page, 'environment-metrics');
    await page.context().close();
  });

  it('lists the audit entries of production and shows the chain verified', async () => {
    const page = await ui.open('rm', '#/audit');
    await page.getByRole('status').getByText(/Chain verified: \d+ entries, none altered/).waitFor();
    const entries = page.getByRole('table', { name: 'Audit log' });
    await entries.getByRole('row').nth(1).waitFor();
    const filters = page.getByRole('search', { name: 'Filter audit log' });
    await filters.getByLabel('Environment').fill('production');
    await filters.getByRole('button', { name: 'Filter' }).click();
    for (const action of ['environment.approval.given', 'environment.deployment.succeeded', 'environment.rollback']) await entries.getByText(action, { exact: true }).first().waitFor();
    assert.deepEqual([...new Set(await entries.locator('td[data-label="Environment"]').allTextContents())], ['production']);
    // The developer's refused production sync is there too, with who did it.
    await filters.getByLabel('Environment').fill('');
    await filters.getByLabel('Who').fill('dev');
    await filters.getByLabel('What').fill('access.denied');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await entries.getByRole('row').filter({ hasText: 'access.denied' }).filter({ hasText: 'dev' }).first().waitFor();
    assert.deepEqual(ui.pageErrors, []);
    await page.context().close();
  });

  it('syncs production inside a deny window only with an override reason', async () => {
    await config.git('pull', '-q', 'origin', 'main');
    await config.commit({ 'environments.yaml': `${environmentsYaml}    windows:\n      - { kind: deny, schedule: "* * * * *", duration: 1h, timeZone: Europe/Berlin }\n` }, 'freeze production');
    await config.git('push', '-q', 'origin', 'main');
    await waitFor(async () => (await call<{ environments: { name: string; windows: unknown[] }[] }>('GET', '/api/environments')).body.environments.find((e) => e.name === 'production')?.windows.length === 1, 'the deny window in force');
    const page = await ui.open('rm', '#/applications/api-production');
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm: Sync' });
    await dialog.getByRole('button', { name: 'Confirm sync' }).click();
    await dialog.getByRole('alert').getByText(/inside the deny window/).waitFor();
    await dialog.getByLabel(/^Override reason/).fill('hotfix agreed with ops');
    await dialog.getByRole('button', { name: 'Confirm sync' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const overrides = await waitFor(async () => {
      const { body } = await as('admin')<{ entries: { actor: string; details: { reason?: string } }[] }>('GET', '/api/audit?environment=production&action=environment.window.override');
      return body.entries.length > 0 ? body.entries : undefined;
    }, 'the override audited');
    assert.deepEqual(overrides.map((e) => [e.actor, e.details.reason]), [['rm', 'hotfix agreed with ops']]);
    assert.deepEqual(ui.pageErrors, []);
    await page.context().close();
  });
});
