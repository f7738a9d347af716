/**
 * Which worker may take a stage: its pipeline's `type` (the backend), its
 * `platform` (os, arch) and its `node` labels, as Drone routes pipelines to
 * runners. A stage job carries these as labels; a claimer offers the types
 * it can run, its platform and its own labels.
 */
import { arch as hostArch, platform as hostPlatform } from 'node:os';
import type { PlanPipeline } from '../pipeline/index.ts';

const TYPE = 'trunkline.type';
const OS = 'trunkline.os';
const ARCH = 'trunkline.arch';

export function stageLabels(pipeline: Pick<PlanPipeline, 'type' | 'platform' | 'node'>): Record<string, string> {
  return { ...pipeline.node, [TYPE]: pipeline.type, [OS]: pipeline.platform.os, [ARCH]: pipeline.platform.arch };
}

export interface WorkerTraits {
  /** Pipeline types (backends) this worker runs. */
  types: readonly string[];
  /** Its own labels, matched against pipelines' `node`. */
  labels?: Record<string, string>;
  os?: string;
  arch?: string;
}

export function claimLabels(traits: WorkerTraits): Record<string, string | readonly string[]> {
  return { ...traits.labels, [TYPE]: traits.types, [OS]: traits.os ?? hostOs(), [ARCH]: traits.arch ?? hostArchitecture() };
}

/** Go's names, which Drone's `platform` uses. */
export function hostOs(): string {
  return hostPlatform() === 'win32' ? 'windows' : hostPlatform();
}

export function hostArchitecture(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return names[hostArch()] ?? hostArch();
}
