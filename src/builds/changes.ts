import { EventEmitter } from 'node:events';
import type { BuildRecord } from '../store/index.ts';

/** Tells listeners (commit statuses, live views) about every change of a build's status. */
export class BuildChanges {
  private readonly emitter = new EventEmitter();

  emit(build: BuildRecord): void {
    this.emitter.emit('build', build);
  }

  subscribe(listener: (build: BuildRecord) => void): () => void {
    this.emitter.on('build', listener);
    return () => this.emitter.off('build', listener);
  }
}
