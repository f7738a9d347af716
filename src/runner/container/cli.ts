import { execFile, spawn } from 'node:child_process';
import { ExternalError } from '../../core/index.ts';
import { ChunkQueue } from '../exec/chunks.ts';

export interface CliRunOptions {
  /** Extra variables for the CLI process (on top of this process's environment). */
  env?: Record<string, string>;
  /** Run through the configured wrapper (commands that start containers). */
  wrapped?: boolean;
  /** Kills the CLI when aborted. */
  signal?: AbortSignal;
}

/** A running `start --attach`: the container's output, and the CLI's end. */
export interface Attached {
  output: ChunkQueue;
  /** The CLI's exit code once it and its output ended. */
  closed: Promise<number>;
  /** The end of what the CLI wrote to stderr (its own errors come last). */
  stderrTail(): string;
  kill(): void;
}

const STDERR_TAIL = 2048;

const MAX_BUFFER = 16 * 1024 * 1024;

/**
 * The podman or docker command line, optionally behind a wrapper (a
 * command prefix such as `unshare -m … sh -c '…; exec "$@"' sh`) used only
 * for the commands that start containers.
 */
export class ContainerCli {
  readonly command: string;
  readonly wrapper: readonly string[];

  constructor(command: string, wrapper: readonly string[] = []) {
    this.command = command;
    this.wrapper = wrapper;
  }

  /** Runs the CLI; resolves with its stdout, rejects with an `ExternalError` carrying its stderr. */
  run(args: readonly string[], options: CliRunOptions = {}): Promise<string> {
    const argv = options.wrapped && this.wrapper.length > 0 ? [...this.wrapper, this.command, ...args] : [this.command, ...args];
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    return new Promise((resolve, reject) => {
      const settings = { env, maxBuffer: MAX_BUFFER, encoding: 'utf8' as const, ...(options.signal ? { signal: options.signal } : {}) };
      execFile(argv[0]!, argv.slice(1), settings, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = stderr.trim() || error.message;
        reject(new ExternalError(`${this.command} ${args[0] ?? ''} failed: ${detail}`, { args: args.slice(0, 1) }, { cause: error }));
      });
    });
  }

  /**
   * `start --attach` of a created container, through the wrapper: its
   * stdout and stderr as one stream from the first byte, ending when the
   * container does. (`start` and then `logs --follow` would cost about a
   * second more per step: podman's log follower polls after the end.)
   */
  attach(container: string): Attached {
    const argv = [...this.wrapper, this.command, 'start', '--attach', container];
    const output = new ChunkQueue();
    let tail = '';
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<number>((resolve) => {
      child.on('error', (error) => {
        tail += error.message;
        resolve(127);
      });
      child.on('close', (code) => resolve(code ?? 1));
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(new Uint8Array(chunk)));
    child.stderr.on('data', (chunk: Buffer) => {
      output.push(new Uint8Array(chunk));
      tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    void closed.then(() => output.close());
    return {
      output,
      closed,
      stderrTail: () => tail.trim(),
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  }
}
