import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { buildLayer } from './layer.ts';

const root = mkdtempSync(join(tmpdir(), 'tl-layer-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const mtime = new Date('2024-05-01T12:00:00Z');
let counter = 0;
const out = (time = mtime) => ({ mtime: time, output: join(root, `layer-${counter++}.tar.gz`) });

/** Writes the same tree, creating files in the given order, with the given timestamps on disk. */
function tree(order: string[], diskTime: Date): string {
  const dir = join(root, `tree-${counter++}`);
  const files: Record<string, { body: string; mode: number }> = {
    'bin/run.sh': { body: '#!/bin/sh\necho hello\n', mode: 0o700 },
    'etc/app.conf': { body: 'x=1\n', mode: 0o600 },
    'README': { body: 'readme\n', mode: 0o664 },
  };
  for (const name of order) {
    const file = files[name]!;
    mkdirSync(join(dir, name, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, name), file.body);
    chmodSync(join(dir, name), file.mode);
    utimesSync(join(dir, name), diskTime, diskTime);
  }
  symlinkSync('bin/run.sh', join(dir, 'start'));
  return dir;
}

interface Member {
  header: tar.Header;
  body: string;
}

async function members(path: string): Promise<{ members: Member[]; raw: Buffer }> {
  const raw = gunzipSync(readFileSync(path));
  const extract = tar.extract();
  const out: Member[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        out.push({ header, body: Buffer.concat(chunks).toString() });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(raw);
  await done;
  return { members: out, raw };
}

describe('buildLayer', () => {
  it('gives the same digest for the same content, whatever the order or timestamps on disk', async () => {
    const a = tree(['bin/run.sh', 'etc/app.conf', 'README'], new Date('2020-01-01T00:00:00Z'));
    const b = tree(['README', 'etc/app.conf', 'bin/run.sh'], new Date('2023-07-07T07:07:07Z'));
    const first = await buildLayer([{ from: a, to: '/app' }], out());
    const again = await buildLayer([{ from: a, to: '/app' }], out());
    const other = await buildLayer([{ from: b, to: '/app' }], out());
    assert.equal(first.digest, again.digest);
    assert.equal(first.digest, other.digest);
    assert.equal(first.diffId, other.diffId);
    const bytes = readFileSync(first.path);
    assert.equal(first.size, bytes.length);
    assert.equal(first.digest, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    assert.equal(first.diffId, `sha256:${createHash('sha256').update(gunzipSync(bytes)).digest('hex')}`);
    // A different commit time is a different layer.
    const later = await buildLayer([{ from: a, to: '/app' }], out(new Date('2024-05-02T00:00:00Z')));
    assert.notEqual(later.digest, first.digest);
  });

  it('normalises modes, owners and timestamps, creates parents, keeps symlinks', async () => {
    const dir = tree(['bin/run.sh', 'etc/app.conf', 'README'], new Date('2021-01-01T00:00:00Z'));
    const layer = await buildLayer([{ from: dir, to: '/srv/app' }], out());
    const { members: list, raw } = await members(layer.path);
    assert.deepEqual(
      list.map((m) => `${m.header.type} ${m.header.name} ${m.header.mode!.toString(8)}`),
      [
        'directory srv/ 755',
        'directory srv/app/ 755',
        'file srv/app/README 644',
        'directory srv/app/bin/ 755',
        'file srv/app/bin/run.sh 755',
        'directory srv/app/etc/ 755',
        'file srv/app/etc/app.conf 644',
        'symlink srv/app/start 777',
      ],
    );
    for (const m of list) {
      assert.equal(m.header.uid, 0);
      assert.equal(m.header.gid, 0);
      assert.equal(m.header.uname, '');
      assert.equal(m.header.gname, '');
      assert.equal(m.header.mtime!.getTime(), mtime.getTime());
    }
    assert.equal(list.find((m) => m.header.name === 'srv/app/start')!.header.linkname, 'bin/run.sh');
    assert.equal(list.find((m) => m.header.name === 'srv/app/bin/run.sh')!.body, '#!/bin/sh\necho hello\n');
    // No PAX/GNU extension headers for ordinary names: every type flag is a plain ustar one.
    for (let offset = 0; offset + 512 <= raw.length; offset += 512) {
      assert.ok(!['x', 'g', 'L', 'K'].includes(String.fromCharCode(raw[offset + 156]!)));
    }
  });

  it('places single files, applies numeric owners, lets later entries win', async () => {
    const dir = join(root, 'single');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'first');
    writeFileSync(join(dir, 'b.txt'), 'second');
    const layer = await buildLayer(
      [
        { from: join(dir, 'a.txt'), to: '/opt/' },
        { from: join(dir, 'a.txt'), to: '/opt/file.txt', uid: 1000, gid: 1001 },
        { from: join(dir, 'b.txt'), to: '/opt/file.txt', uid: 1000, gid: 1001 },
      ],
      out(),
    );
    const { members: list } = await members(layer.path);
    assert.deepEqual(
      list.map((m) => [m.header.name, m.header.uid, m.header.gid, m.body]),
      [
        ['opt/', 0, 0, ''],
        ['opt/a.txt', 0, 0, 'first'],
        ['opt/file.txt', 1000, 1001, 'second'],
      ],
    );
  });

  it('skips ignored sources and refuses a file that is also a folder', async () => {
    const dir = tree(['bin/run.sh', 'etc/app.conf', 'README'], mtime);
    const layer = await buildLayer([{ from: dir, to: '/app' }], { ...out(), ignore: (source) => source.endsWith('etc') });
    const { members: list } = await members(layer.path);
    assert.ok(!list.some((m) => m.header.name.includes('etc')));
    await assert.rejects(
      buildLayer(
        [
          { from: join(dir, 'README'), to: '/x' },
          { from: join(dir, 'README'), to: '/x/y' },
        ],
        out(),
      ),
      /both a file and a folder/,
    );
    await assert.rejects(buildLayer([{ from: join(dir, 'missing'), to: '/x' }], out()), /cannot read/);
  });

  it('streams a large file without changing its bytes', async () => {
    const big = join(root, 'big.bin');
    const chunk = Buffer.alloc(1 << 20, 7);
    writeFileSync(big, '');
    for (let i = 0; i < 8; i++) writeFileSync(big, chunk, { flag: 'a' });
    const layer = await buildLayer([{ from: big, to: '/data/big.bin' }], out());
    const { members: list } = await members(layer.path);
    assert.equal(list.at(-1)!.header.size, 8 << 20);
  });
});
