import { execFile, spawn } from 'node:child_process';
import { ExternalError } from '../../core/index.ts';
import { ChunkQueue } from '../exec/chunks.ts';

export interface CliRunOptions {
  /** Extra variables for the CLI process (on top of this process's environment). */
  env?: Record<string, string>;
  /** Run through the configured wrapper (commands that start containers). */
  wrapped?: boolean;
}

/** A running `logs --follow`: its output and a way to end it early. */
export interface Follower {
  output: ChunkQueue;
  closed: Promise<void>;
  kill(): void;
}

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
      execFile(argv[0]!, argv.slice(1), { env, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = stderr.trim() || error.message;
        reject(new ExternalError(`${this.command} ${args[0] ?? ''} failed: ${detail}`, { args: args.slice(0, 1) }, { cause: error }));
      });
    });
  }

  /** `logs --follow` of a container: stdout and stderr as one stream, ending when the container's output does. */
  follow(container: string): Follower {
    const output = new ChunkQueue();
    const child = spawn(this.command, ['logs', '--follow', container], { stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<void>((resolve) => {
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => output.push(new Uint8Array(chunk)));
    void closed.then(() => output.close());
    return {
      output,
      closed,
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    };
  }
}
