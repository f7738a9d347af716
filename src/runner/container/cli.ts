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

/**
 * What podman's helpers print on the CLI's stderr before the container
 * runs, which is not the step's output: aardvark-dns (podman's DNS server,
 * started with the first container of a network) reports
 * "failed to connect to syslog: Initialization" where no syslog listens.
 */
const HELPER_NOISE = /^failed to connect to syslog: .*$/;

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
    // Until the container writes, stderr is held line by line and helper noise dropped.
    let prelude: string | undefined = '';
    const flush = () => {
      if (prelude) output.push(new TextEncoder().encode(prelude));
      prelude = undefined;
    };
    child.stdout.on('data', (chunk: Buffer) => {
      flush();
      output.push(new Uint8Array(chunk));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
      if (prelude === undefined) return output.push(new Uint8Array(chunk));
      prelude += chunk.toString('utf8');
      for (let end = prelude.indexOf('\n'); end !== -1 && prelude !== undefined; end = prelude.indexOf('\n')) {
        if (HELPER_NOISE.test(prelude.slice(0, end))) prelude = prelude.slice(end + 1);
        else flush();
      }
    });
    void closed.then(() => {
      flush();
      output.close();
    });
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
