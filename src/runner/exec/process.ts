import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { StepExit } from '../contract.ts';
import { ChunkQueue } from './chunks.ts';

/** How long output may stay open after the shell exited (a daemon that kept the pipe). */
const OUTPUT_CLOSE_GRACE_MS = 2000;

/**
 * One step's shell, started as the leader of a new process group so that
 * the step and everything it spawned can be signalled together. When the
 * shell exits, what is left of its group is killed, as a container's
 * processes end with it.
 */
export class StepProcess {
  readonly output = new ChunkQueue();
  readonly exited: Promise<StepExit>;
  readonly #child: ChildProcess;
  #stopped = false;
  #done = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    const streams = [child.stdout, child.stderr].filter((s) => s !== null);
    let open = streams.length;
    let closeTimer: NodeJS.Timeout | undefined;
    for (const stream of streams) {
      stream.on('data', (chunk: Buffer) => this.output.push(new Uint8Array(chunk)));
      stream.on('close', () => {
        open -= 1;
        if (open > 0) return;
        clearTimeout(closeTimer);
        this.output.close();
      });
    }
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#done = true;
        this.#signalGroup('SIGKILL');
        // A process that left the group (setsid) may still hold the pipe.
        if (open > 0) {
          closeTimer = setTimeout(() => {
            for (const stream of streams) stream.destroy();
          }, OUTPUT_CLOSE_GRACE_MS);
        }
        resolve({ exitCode: exitCodeOf(code, signal), stopped: this.#stopped });
      });
    });
  }

  /** Spawns `command`; resolves once the process runs, rejects if it cannot start. */
  static start(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<StepProcess> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.once('error', reject);
      child.once('spawn', () => {
        child.off('error', reject);
        // Errors after spawn (e.g. a failed kill) surface through exit.
        child.on('error', () => {});
        resolve(new StepProcess(child));
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs` if it is still there. */
  async stop(graceMs: number): Promise<void> {
    if (this.#done) return;
    this.#stopped = true;
    this.#signalGroup('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#signalGroup('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }
}

/** Shell convention: killed by signal N exits 128 + N. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return 128 + (number ?? 1);
}
