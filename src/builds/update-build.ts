import type { BuildPatch, BuildRecord, BuildStatus, StatusGuard } from '../store/index.ts';
import type { BuildDeps } from './deps.ts';

/** The one way the build lifecycle changes a build: stored, then announced. */
export async function updateBuild(deps: BuildDeps, id: string, patch: BuildPatch, guard?: StatusGuard<BuildStatus>): Promise<BuildRecord> {
  const build = await deps.store.builds.update(id, patch, guard);
  if (patch.status) deps.changes.emit(build);
  return build;
}
