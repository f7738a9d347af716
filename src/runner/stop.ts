/** Why a running step was stopped; the abort reason of the scheduler's signals. */
export type StopCause =
  | { kind: 'cancel' }
  | { kind: 'pipeline-timeout'; ms: number }
  | { kind: 'step-timeout'; ms: number }
  /** A detached step or service, stopped because the pipeline is done. */
  | { kind: 'end' };

export function isStopCause(value: unknown): value is StopCause {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

export function describeStop(cause: StopCause): string {
  switch (cause.kind) {
    case 'cancel':
      return 'cancelled';
    case 'pipeline-timeout':
      return `pipeline timed out after ${seconds(cause.ms)}`;
    case 'step-timeout':
      return `timed out after ${seconds(cause.ms)}`;
    case 'end':
      return 'stopped at the end of the pipeline';
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
