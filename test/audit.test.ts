import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { api } from './helpers/api.ts';
import { TestRepo } from './helpers/git-repo.ts';
import { ServerProcess } from './helpers/server-process.ts';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: { kind: string; id: string };
  environment: string | null;
  outcome: string;
  details: Record<string, unknown>;
  hash: string;
}
interface Page {
  entries: Entry[];
  next: string | null;
}
interface Verify {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; reason: string };
}

const cli = new URL('../bin/trunkline.js', import.meta.url).pathname;
const pipeline = `
kind: pipeline
type: exec
name: default
steps:
- name: test
  commands:
  - echo ok
`;

describe('audit log: denied and mutating requests are recorded, the chain verifies, tampering is found', () => {
  const work = mkdtempSync(join(tmpdir(), 'tl-audit-'));
  const dataDir = join(work, 'data');
  const repo = new TestRepo();
  let server: ServerProcess;
  let url: string;
  let admin: ReturnType<typeof api>;
  const tokens: Record<string, string> = {};

  before(async () => {
    repo.commit({ '.drone.yml': pipeline }, 'first commit');
    server = new ServerProcess(dataDir);
    url = await server.url;
    admin = api(url, ServerProcess.token(dataDir));
    for (const [login, role] of [['vera', 'viewer'], ['rita', 'release-manager']] as const) {
      assert.equal((await admin('POST', '/api/users', { login, role })).status, 201);
      const created = await admin<{ token: string }>('POST', `/api/users/${login}/tokens`, { name: 'test' });
      assert.equal(created.status, 201);
      tokens[login] = created.body.token;
    }
    assert.equal((await admin('POST', '/api/repos', { namespace: 'acme', name: 'app', cloneUrl: repo.dir })).status, 201);
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(repo.dir, { recursive: true, force: true });
  });

  const entries = async (query: string): Promise<Entry[]> => {
    const page = await api(url, tokens['rita'])<Page>('GET', `/api/audit?${query}`);
    assert.equal(page.status, 200);
    return page.body.entries;
  };

  test('a build trigger is recorded with its actor and build', async () => {
    const build = await admin<{ number: number }>('POST', '/api/repos/acme/app/builds', { branch: 'main' });
    assert.equal(build.status, 201, JSON.stringify(build.body));
    const [entry] = await entries('action=build.trigger');
    assert.equal(entry?.actor, 'admin');
    assert.deepEqual(entry?.target, { kind: 'build', id: `acme/app#${build.body.number}` });
    assert.equal(entry?.outcome, 'success');
  });

  test("a viewer's mutating call is refused with 403 and recorded as access.denied", async () => {
    const refused = await api(url, tokens['vera'])('POST', '/api/repos/acme/app/builds', { branch: 'main' });
    assert.equal(refused.status, 403);
    const [entry] = await entries('action=access.denied&actor=vera');
    assert.equal(entry?.outcome, 'denied');
    assert.deepEqual(entry?.target, { kind: 'route', id: 'POST /api/repos/:namespace/:name/builds' });
    assert.equal(entry?.details['action'], 'build.trigger');
    assert.equal(entry?.details['status'], 403);
  });

  test('an unauthenticated mutating call is recorded as denied for anonymous; reading the log needs release-manager', async () => {
    assert.equal((await api(url)('POST', '/api/repos', { namespace: 'x', name: 'y' })).status, 401);
    assert.equal((await entries('action=access.denied&actor=anonymous'))[0]?.details['action'], 'repo.create');
    assert.equal((await api(url, tokens['vera'])('GET', '/api/audit')).status, 403);
    assert.equal((await entries('action=access.denied&actor=vera'))[0]?.details['action'], 'audit.read');
  });

  test('a secret write is recorded without its value', async () => {
    assert.equal((await admin('POST', '/api/repos/acme/app/secrets', { name: 'deploy_token', value: 'v3ry-s3cret-value' })).status, 201);
    const [entry] = await entries('action=secret.write');
    assert.deepEqual(entry?.target, { kind: 'secret', id: 'acme/app/deploy_token' });
    const all = await fetch(`${url}/api/audit/export`, { headers: { authorization: `Bearer ${tokens['rita']}` } });
    assert.equal(all.status, 200);
    assert.match(all.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const text = await all.text();
    assert.doesNotMatch(text, /v3ry-s3cret-value/);
    assert.ok(!text.includes(tokens['vera']!), 'a created token is not in the log');
    assert.deepEqual((await entries('action=user.create&order=asc')).map((e) => e.target.id), ['vera', 'rita']);
    assert.deepEqual((await entries('action=token.create&actor=admin')).map((e) => e.details['name']), ['test', 'test']);
  });

  test('export honours the time filter', async () => {
    const list = await entries('order=asc&limit=1000');
    const times = [...new Set(list.map((e) => e.at))];
    assert.ok(times.length >= 3, `entries at ${times.length} distinct times`);
    const [since, until] = [times[1]!, times.at(-1)!];
    const expected = list.filter((e) => e.at >= since && e.at < until).map((e) => e.seq);
    const response = await fetch(`${url}/api/audit/export?since=${since}&until=${until}`, { headers: { authorization: `Bearer ${tokens['rita']}` } });
    const lines = (await response.text()).split('\n').filter(Boolean);
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as Entry).seq), expected);
    assert.ok(expected.length > 0 && expected.length < list.length);
  });

  test('verify passes, then reports the entry changed in the SQLite file', async () => {
    const verified = await api(url, tokens['rita'])<Verify>('GET', '/api/audit/verify');
    assert.equal(verified.body.ok, true);
    assert.ok(verified.body.checked > 5);
    const [trigger] = await entries('action=build.trigger');
    assert.ok(trigger);

    const db = new DatabaseSync(join(dataDir, 'trunkline.db'), { timeout: 5000 });
    try {
      db.prepare('UPDATE audit_entries SET actor = ? WHERE seq = ?').run('mallory', trigger.seq);
    } finally {
      db.close();
    }

    const broken = await api(url, tokens['rita'])<Verify>('GET', '/api/audit/verify');
    assert.equal(broken.body.ok, false);
    assert.equal(broken.body.firstBad?.seq, trigger.seq);
    assert.match(broken.body.firstBad?.reason ?? '', /changed/);

    const run = spawnSync(process.execPath, [cli, 'audit', 'verify'], { env: { ...process.env, TRUNKLINE_SERVER: url, TRUNKLINE_TOKEN: tokens['rita'] }, encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, new RegExp(`BROKEN at entry #${trigger.seq}:`));
  });
});
