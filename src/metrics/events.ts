/** A build or a step that finished, as metrics see it. */
export interface FinishedWork {
  /** Its final status (`success`, `failure`, `error`, `killed`, `skipped`). */
  result: string;
  /** From start to finish; absent when it never started. */
  durationSeconds?: number;
}

/** Where the build lifecycle reports finished work (Prometheus histograms, StatsD timings). */
export interface DeliveryEvents {
  buildFinished(build: FinishedWork): void;
  stepFinished(step: FinishedWork): void;
}

/** Reports to each of `sinks` in turn. */
export function fanOut(sinks: readonly DeliveryEvents[]): DeliveryEvents {
  return {
    buildFinished: (build) => sinks.forEach((sink) => sink.buildFinished(build)),
    stepFinished: (step) => sinks.forEach((sink) => sink.stepFinished(step)),
  };
}
