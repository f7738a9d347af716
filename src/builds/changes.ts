import { EventEmitter } from 'node:events';
import type { BuildRecord, StepRecord } from '../store/index.ts';

/**
 * Tells listeners (commit statuses, live views, metrics) about every change
 * of a build's status, and about each step that finished.
 */
export class BuildChanges {
  private readonly emitter = new EventEmitter();

  emit(build: BuildRecord): void {
    this.emitter.emit('build', build);
  }

  subscribe(listener: (build: BuildRecord) => void): () => void {
    this.emitter.on('build', listener);
    return () => this.emitter.off('build', listener);
  }

  stepFinished(step: StepRecord): void {
    this.emitter.emit('step', step);
  }

  subscribeSteps(listener: (step: StepRecord) => void): () => void {
    this.emitter.on('step', listener);
    return () => this.emitter.off('step', listener);
  }
}
