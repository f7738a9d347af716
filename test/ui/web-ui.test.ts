/**
 * The web UI in real Chromium against a real `trunkline server`: sign-in,
 * builds list (desktop and phone), a build's live log to completion, a failed
 * step, role-gated cancel/restart (hidden in the UI and refused by the API),
 * an application synced and rolled back against the fake kube API server,
 * settings, and the pages of features this server may not have.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeApiServer, type FakeApiServer } from '../kube-fake/index.ts';
import { api } from '../helpers/api.ts';
import { browserMissing, screenshot } from '../helpers/browser.ts';
import { withCredentials } from '../helpers/git-client.ts';
import { TestRepo } from '../helpers/git-repo.ts';
import { ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { desktop, phone, UiHarness } from './ui-harness.ts';

const skip = browserMissing();
if (skip) console.log(`# skipping the web UI tests: ${skip}`);

describe('web UI', { skip }, () => {
  let work: string;
  let server: ServerProcess;
  let base: string;
  let ui: UiHarness;
  let repo: TestRepo;
  let config: TestRepo;
  let fake: FakeApiServer;
  const tokens: Record<string, string> = {};
  let call: ReturnType<typeof api>;
  const go = (build: number) => writeFileSync(join(work, `go-${build}`), '');

  const open = (role: string, path: string, viewport = desktop) => ui.open(role, path, viewport);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'tl-ui-'));
    repo = new TestRepo();
    repo.commit(
      {
        '.drone.yml': [
          'kind: pipeline',
          'type: exec',
          'name: default',
          'clone:',
          '  disable: true',
          'steps:',
          '- name: greet',
          '  environment:',
          '    API_KEY:',
          '      from_secret: api_key',
          '  commands:',
          "  - printf '\\033[32mgreen hello\\033[0m\\n'",
          '  - echo "key is $${API_KEY}"',
          '  - echo "waiting for go"',
          `  - while [ ! -f ${work}/go-$DRONE_BUILD_NUMBER ]; do sleep 0.05; done`,
          '  - echo "released"',
          '- name: check',
          '  depends_on: [greet]',
          '  commands:',
          '  - echo "checking"',
          '  - exit 3',
          '- name: publish',
          '  depends_on: [check]',
          '  commands:',
          '  - echo "never printed"',
          '',
        ].join('\n'),
      },
      'Add the pipeline\n\nwith a failing check',
    );
    fake = await startFakeApiServer({ bookmarkIntervalMs: 0 });
    server = new ServerProcess(join(work, 'data'));
    base = await server.url;
    tokens.admin = ServerProcess.token(join(work, 'data'));
    call = api(base, tokens.admin);
    for (const role of ['viewer', 'developer']) {
      assert.equal((await call('POST', '/api/users', { login: `${role}1`, role })).status, 201);
      tokens[role] = (await call<{ token: string }>('POST', `/api/users/${role}1/tokens`, { name: 'ui-test' })).body.token;
    }
    assert.equal((await call('POST', '/api/repos', { namespace: 'acme', name: 'shop', cloneUrl: repo.dir })).status, 201);
    assert.equal((await call('POST', '/api/repos/acme/shop/secrets', { name: 'api_key', value: 's3cr3t-value' })).status, 201);

    // A config repository on the built-in host (a push tells the controller) and an application deploying it to the fake cluster.
    const hosted = await call<{ httpUrl: string }>('POST', '/api/repos', { namespace: 'acme', name: 'config' });
    config = new TestRepo();
    config.git('remote', 'add', 'origin', withCredentials(hosted.body.httpUrl, 'admin', tokens.admin));
    config.commit({ 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  colour: blue\n' }, 'web v1');
    config.git('push', '-q', 'origin', 'main');
    assert.equal((await call('POST', '/api/clusters', { name: 'prod', kubeconfig: fake.kubeconfig })).status, 201);
    const created = await call('POST', '/api/applications', { name: 'web', source: { repoUrl: 'acme/config', path: 'web' }, destination: { cluster: 'prod', namespace: 'default' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));

    ui = await UiHarness.launch(base, tokens);
  });

  after(async () => {
    for (const build of [1, 2, 3, 4]) go(build);
    await ui?.close();
    await server?.stop();
    await fake?.close();
    for (const dir of [work, repo?.dir, config?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with a token and refuses a wrong one', async () => {
    const context = await ui.browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('not valid').waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('Access token').fill(tokens.admin!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Repositories' }).waitFor();
    assert.equal(await page.getByLabel('Signed in as').textContent(), 'admin admin');
    await page.getByRole('link', { name: 'acme/shop' }).waitFor();
    await context.close();
  });

  it('streams a build log live to completion, with colours, line numbers and masked secrets, and shows the failed step', async () => {
    assert.equal((await call('POST', '/api/repos/acme/shop/builds', { branch: 'main' }, tokens.developer)).status, 201);
    const page = await open('admin', '#/repos/acme/shop/builds/1');
    const log = page.getByRole('log', { name: 'greet output' });
    await log.getByText('waiting for go', { exact: true }).waitFor();
    await screenshot(page, 'build-live');
    // Still running: the rest can only arrive over the live stream.
    assert.equal(await log.getByText('released', { exact: true }).count(), 0);
    assert.match((await page.getByRole('button', { name: /^greet: running/ }).textContent()) ?? '', /greet/);
    go(1);
    await log.getByText('released', { exact: true }).waitFor();
    await page.getByText(/lines · complete/).waitFor();

    const text = (await log.textContent()) ?? '';
    assert.match(text, /key is \*{8}/);
    assert.doesNotMatch(text, /s3cr3t-value/);
    assert.ok(!text.includes('\u001b'), 'no raw escape sequences');
    const green = log.getByText('green hello', { exact: true });
    assert.match((await green.getAttribute('style')) ?? '', /color: rgb\(74, 169, 108\)/);
    const numbers = await log.locator('.ln').allTextContents();
    assert.ok(numbers.length >= 4);
    assert.deepEqual(numbers, numbers.map((_, i) => String(i + 1)));

    // Search highlights and counts.
    await page.getByLabel('Search log').fill('RELEASED');
    await page.getByText('2 matches', { exact: true }).waitFor(); // the command and its output
    assert.deepEqual(await log.locator('mark').allTextContents(), ['released', 'released']);
    await page.getByLabel('Search log').fill('');

    // The build fails at `check`, which the page then shows first.
    await page.getByRole('button', { name: /^check: failure, exit code 3/ }).waitFor();
    await page.getByRole('button', { name: /^publish: skipped/ }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: /check failure exit code 3/ }).waitFor();
    await page.getByRole('log', { name: 'check output' }).getByText('checking', { exact: true }).waitFor();
    assert.equal(await page.getByTitle('build: failure').count(), 1);
    await screenshot(page, 'build');
    await page.setViewportSize(phone);
    await page.getByRole('log', { name: 'check output' }).getByText('checking', { exact: true }).waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.ok(overflow <= 0, `the build page scrolls sideways on a phone by ${overflow}px`);
    await page.context().close();
  });

  it('lists builds with filters, on a desktop and on a phone', async () => {
    for (const [name, viewport] of [['builds', desktop], ['builds-phone', phone]] as const) {
      const page = await open('viewer', '#/repos/acme/shop', viewport);
      const table = page.getByRole('table', { name: 'Builds' });
      await table.getByRole('link', { name: '#1' }).waitFor();
      const row = table.getByRole('row').filter({ hasText: '#1' });
      const rowText = (await row.textContent()) ?? '';
      for (const expected of ['failure', 'main', 'custom', 'Add the pipeline', 'Ada Lovelace']) assert.ok(rowText.includes(expected), `${expected} in ${rowText}`);
      assert.doesNotMatch(rowText, /with a failing check/, 'only the first line of the message');
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).count(), 0, 'viewers do not see the audit log');
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
      await screenshot(page, name);

      await page.getByLabel('Status').selectOption('success');
      await page.getByText('No builds match these filters.').waitFor();
      await page.getByLabel('Status').selectOption('failure');
      await table.getByRole('link', { name: '#1' }).waitFor();
      await page.context().close();
    }
  });

  it('shows cancel and restart only to roles that may use them, and the API refuses the others', async () => {
    const viewer = await open('viewer', '#/repos/acme/shop/builds/1');
    await viewer.getByRole('button', { name: /^check: failure/ }).waitFor();
    assert.equal(await viewer.getByRole('button', { name: 'Restart build' }).count(), 0);
    assert.equal((await call('POST', '/api/repos/acme/shop/builds/1/restart', undefined, tokens.viewer)).status, 403);

    const developer = await open('developer', '#/repos/acme/shop/builds/1');
    go(2);
    await developer.getByRole('button', { name: 'Restart build' }).click();
    await developer.waitForURL(/#\/repos\/acme\/shop\/builds\/2$/);
    await developer.getByRole('heading', { name: /build #2/ }).waitFor();
    await developer.getByText('Restart of').waitFor();

    // A running build: cancel is there for the developer, not for the viewer.
    assert.equal((await call('POST', '/api/repos/acme/shop/builds', { branch: 'main' }, tokens.developer)).status, 201);
    await developer.goto(`${base}/#/repos/acme/shop/builds/3`);
    await developer.getByRole('log', { name: 'greet output' }).getByText('waiting for go', { exact: true }).waitFor();
    await viewer.goto(`${base}/#/repos/acme/shop/builds/3`);
    await viewer.getByRole('button', { name: /^greet: running/ }).waitFor();
    assert.equal(await viewer.getByRole('button', { name: 'Cancel build' }).count(), 0);
    assert.equal((await call('POST', '/api/repos/acme/shop/builds/3/cancel', undefined, tokens.viewer)).status, 403);

    await developer.getByRole('button', { name: 'Cancel build' }).click();
    await developer.getByRole('dialog', { name: 'Confirm: Cancel build' }).getByRole('button', { name: 'Confirm cancel build' }).click();
    await developer.getByTitle('build: killed').waitFor();
    assert.equal((await call<{ build: { status: string } }>('GET', '/api/repos/acme/shop/builds/3')).body.build.status, 'killed');
    await viewer.context().close();
    await developer.context().close();
  });

  it('syncs an application to the cluster, shows its objects and diff, and rolls it back to a chosen revision', async () => {
    const page = await open('developer', '#/applications/web');
    await page.getByRole('heading', { name: /web/ }).waitFor();
    const objects = page.getByRole('list', { name: 'Objects' });
    await objects.getByText('ConfigMap', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByRole('dialog', { name: 'Confirm: Sync' }).getByRole('button', { name: 'Confirm sync' }).click();
    await page.getByRole('table', { name: 'Sync history' }).getByText('Succeeded').waitFor();
    await page.getByTitle('sync: Synced').waitFor();
    const first = config.git('rev-parse', 'HEAD');

    config.commit({ 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  colour: red\n' }, 'web v2');
    config.git('push', '-q', 'origin', 'main');
    // The push reaches the controller: the page shows the object's desired-vs-live diff.
    await page.getByText('Diff of ConfigMap/web (live → desired)').click();
    const diff = page.getByLabel('Diff of ConfigMap/web', { exact: true });
    await diff.locator('.del', { hasText: 'colour: blue' }).waitFor();
    await diff.locator('.add', { hasText: 'colour: red' }).waitFor();
    await screenshot(page, 'application');
    await page.getByRole('button', { name: 'Sync', exact: true }).click();
    await page.getByRole('dialog', { name: 'Confirm: Sync' }).getByRole('button', { name: 'Confirm sync' }).click();
    const colour = async () => ((await fake.object({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'web' })) as { data: { colour: string } } | undefined)?.data.colour;
    await waitFor(async () => (await colour()) === 'red', 'web v2 applied');
    await page.getByRole('table', { name: 'Sync history' }).getByRole('row').nth(2).waitFor();

    await page.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm: Roll back' });
    await dialog.getByLabel('Revision').selectOption(first);
    await dialog.getByRole('button', { name: 'Confirm roll back' }).click();
    await waitFor(async () => (await colour()) === 'blue', 'the rollback applied');
    await page.getByRole('table', { name: 'Sync history' }).getByRole('row').nth(3).waitFor();

    const viewer = await open('viewer', '#/applications/web');
    await viewer.getByRole('list', { name: 'Objects' }).getByText('ConfigMap', { exact: true }).waitFor();
    assert.equal(await viewer.getByRole('button', { name: 'Sync', exact: true }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Roll back' }).count(), 0);
    assert.equal((await call('POST', '/api/applications/web/sync', {}, tokens.viewer)).status, 403);
    await viewer.context().close();
    await page.context().close();
  });

  it('creates a token and keeps secrets write-only in settings', async () => {
    const page = await open('developer', '#/settings');
    await page.getByRole('combobox', { name: /^Repository/ }).selectOption('acme/shop');
    await page.getByRole('list', { name: 'Secret list' }).getByText('api_key', { exact: true }).waitFor();
    assert.doesNotMatch((await page.content()) ?? '', /s3cr3t-value/);
    assert.equal(await page.getByRole('form', { name: 'Add repository' }).count(), 0, 'only admins add repositories');
    await page.getByLabel('Token name').fill('laptop');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = (await page.getByLabel('New token').textContent()) ?? '';
    assert.equal((await api(base, shown)('GET', '/api/user')).status, 200, 'the new token signs in');
    await page.getByRole('list', { name: 'Token list' }).getByText('laptop', { exact: true }).waitFor();
    await screenshot(page, 'settings');
    await page.context().close();
  });

  it('renders every page, saying so where this server lacks the feature', async () => {
    const page = await open('admin', '#/environments');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).waitFor();
    for (const [path, heading] of [
      ['environments', 'Environments'],
      ['previews', 'Previews'],
      ['metrics', 'Delivery metrics'],
      ['audit', 'Audit'],
      ['applications', 'Applications'],
    ] as const) {
      await page.goto(`${base}/#/${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      // The page's answer (an empty state, a table, a chart or "not available"), not the loading indicator.
      await page.getByRole('status').filter({ hasNotText: 'Loading…' }).or(page.getByRole('table')).or(page.getByRole('figure')).first().waitFor();
      if (path === 'metrics') await screenshot(page, 'metrics');
    }
    // Deep links load the app; API paths never fall through to it.
    assert.equal((await fetch(`${base}/repos/acme/shop`)).headers.get('content-type')?.split(';')[0], 'text/html');
    const missing = await fetch(`${base}/api/no-such-route`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'not_found');
    assert.deepEqual(ui.pageErrors, []);
    await page.context().close();
  });
});
