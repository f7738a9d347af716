import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { ParallelGzip } from './parallel-gzip.ts';

async function compress(data: Buffer, chunkSizes: number[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    chunks.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return buffer(Readable.from(chunks).pipe(new ParallelGzip()));
}

test('output is a valid gzip stream that gunzip and gzip -t accept', async () => {
  const data = Buffer.concat([randomBytes(2_500_000), Buffer.from('text '.repeat(400_000))]);
  const gz = await compress(data, [65536]);
  assert.deepEqual(gunzipSync(gz), data);
  const dir = mkdtempSync(join(tmpdir(), 'tl-pgz-'));
  try {
    writeFileSync(join(dir, 'x.gz'), gz);
    execFileSync('gzip', ['-t', join(dir, 'x.gz')]);
    assert.deepEqual(execFileSync('gzip', ['-dc', join(dir, 'x.gz')], { maxBuffer: 64 << 20 }), data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same input gives the same bytes however it is chunked', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 12345);
  const a = await compress(data, [1000]);
  const b = await compress(data, [1 << 20, 7, 99_999]);
  assert.deepEqual(a, b);
});

test('empty input gives an empty gzip stream', async () => {
  assert.deepEqual(gunzipSync(await compress(Buffer.alloc(0), [1])), Buffer.alloc(0));
});
