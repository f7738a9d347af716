import type { PlanPipeline, PlanStep } from '../pipeline/index.ts';
import type { PlanObserver, PlanResult, StepResult } from '../runner/index.ts';

const colours = { red: 31, green: 32, yellow: 33, blue: 34, grey: 90 } as const;

/**
 * Prints a local run the way people read a build: a header when a step
 * starts, its output prefixed with the step's name (parallel steps
 * interleave), a line when it ends, and a summary with timings.
 */
export class ExecPrinter implements PlanObserver {
  private readonly write: (text: string) => void;
  private readonly colour: boolean;
  private readonly multiplePipelines: boolean;

  constructor(options: { write: (text: string) => void; colour: boolean; multiplePipelines: boolean }) {
    this.write = options.write;
    this.colour = options.colour;
    this.multiplePipelines = options.multiplePipelines;
  }

  pipelineStarted(pipeline: PlanPipeline): void {
    if (this.multiplePipelines) this.write(`${this.paint('blue', `━━ pipeline ${pipeline.name}`)}\n`);
  }

  pipelineFinished(): void {}

  stepStarted(pipeline: PlanPipeline, step: PlanStep): void {
    this.write(`${this.paint('blue', `── ${this.label(pipeline, step)}`)}\n`);
  }

  stepLog(pipeline: PlanPipeline, step: PlanStep, lines: { out: string }[]): void {
    const prefix = this.paint('grey', `[${this.label(pipeline, step)}]`);
    this.write(lines.map((line) => `${prefix} ${line.out}\n`).join(''));
  }

  stepFinished(pipeline: PlanPipeline, step: PlanStep, result: StepResult): void {
    if (result.status === 'skipped') return;
    this.write(`${this.describe(this.label(pipeline, step), result)}\n`);
  }

  summary(result: PlanResult): string {
    const lines = ['', this.paint(result.status === 'success' ? 'green' : 'red', `Result: ${result.status}`)];
    for (const { name, result: pipeline } of result.pipelines) {
      const reason = pipeline.status === 'skipped' ? ` (${pipeline.reason})` : pipeline.error ? ` (${pipeline.error})` : '';
      lines.push(`pipeline ${name}: ${pipeline.status}${reason}`);
      const width = Math.max(...pipeline.steps.map((step) => step.name.length), 4);
      for (const step of pipeline.steps) lines.push(`  ${this.describe(step.name.padEnd(width), step.result)}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private describe(name: string, result: StepResult): string {
    const took = result.startedAt === undefined ? '' : `${((result.finishedAt - result.startedAt) / 1000).toFixed(2)}s`;
    const why = result.reason ?? result.error;
    switch (result.status) {
      case 'success':
        return `${this.paint('green', '✔')} ${name}  ${took}`;
      case 'skipped':
        return `${this.paint('grey', '–')} ${name}  skipped${why ? `: ${why}` : ''}`;
      case 'killed':
        return `${this.paint('yellow', '■')} ${name}  ${took}  killed${why ? `: ${why}` : ''}`;
      default:
        return `${this.paint('red', '✖')} ${name}  ${took}  ${result.exitCode !== undefined ? `exit ${result.exitCode}` : result.status}${why ? `: ${why}` : ''}`;
    }
  }

  private label(pipeline: PlanPipeline, step: PlanStep): string {
    return this.multiplePipelines ? `${pipeline.name}/${step.name}` : step.name;
  }

  private paint(colour: keyof typeof colours, text: string): string {
    return this.colour ? `\x1b[${colours[colour]}m${text}\x1b[0m` : text;
  }
}
