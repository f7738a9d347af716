import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/index.ts';
import { isMissing, listDir, type Layout } from './layout.ts';
import { parseManifest } from './manifest.ts';

export interface GcReport {
  blobsKept: number;
  blobsRemoved: number;
  bytesFreed: number;
  uploadsRemoved: number;
}

/**
 * Mark and sweep. Marks every manifest linked in any repository and what
 * it references (config, layers, child manifests); removes the other blobs
 * once they are older than `graceMs` (a blob pushed moments ago may still
 * be waiting for its manifest), then the repository links left dangling and
 * stale temp files. The caller holds the registry's exclusive lock.
 */
export async function sweepBlobs(layout: Layout, clock: Clock, graceMs: number): Promise<Omit<GcReport, 'uploadsRemoved'>> {
  const marked = new Set<string>();
  const repositories = await layout.repositoryNames();
  for (const repository of repositories) {
    for (const hex of await listDir(layout.manifestLinks(repository))) {
      marked.add(hex);
      const bytes = await readFile(layout.blob(hex)).catch(() => undefined);
      const mediaType = await readFile(layout.manifestLink(repository, hex), 'utf8').catch(() => undefined);
      if (!bytes) continue;
      let references: string[];
      try {
        const parsed = parseManifest(bytes, mediaType);
        references = [...parsed.blobs, ...parsed.manifests].map((d) => d.digest);
      } catch {
        continue;
      }
      for (const digest of references) if (digest.startsWith('sha256:')) marked.add(digest.slice('sha256:'.length));
    }
  }

  const report = { blobsKept: 0, blobsRemoved: 0, bytesFreed: 0 };
  const now = clock.now();
  for (const hex of await listDir(layout.blobsDir)) {
    if (marked.has(hex)) {
      report.blobsKept += 1;
      continue;
    }
    const info = await stat(layout.blob(hex)).catch((error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)));
    if (!info) continue;
    if (now - info.mtimeMs < graceMs) {
      report.blobsKept += 1;
      continue;
    }
    await rm(layout.blob(hex), { force: true });
    report.blobsRemoved += 1;
    report.bytesFreed += info.size;
  }

  for (const repository of repositories) {
    for (const hex of await listDir(layout.layerLinks(repository))) {
      const present = await stat(layout.blob(hex)).then(
        () => true,
        () => false,
      );
      if (!present) await rm(layout.layerLink(repository, hex), { force: true });
    }
  }
  return report;
}

/** Removes files in `tmp/` older than `ttlMs` (left by a crash mid-write). */
export async function sweepTemp(layout: Layout, clock: Clock, ttlMs: number): Promise<void> {
  for (const name of await listDir(layout.tmpDir)) {
    const path = join(layout.tmpDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && clock.now() - info.mtimeMs >= ttlMs) await rm(path, { force: true, recursive: true });
  }
}
