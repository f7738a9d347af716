import { ConfigError } from '../../core/index.ts';

/**
 * How a step's variables reach the container without appearing in the
 * CLI's arguments (where `ps` would show secrets): one-line values go in an
 * env file (`--env-file`, written 0600 and removed once the container is
 * created); values an env file cannot hold (line breaks, a trailing CR,
 * very long lines) are passed by name (`--env NAME`), which the CLI reads
 * from its own environment. The latter cannot use names that change how
 * the CLI itself runs (`PATH`, `HOME`, `CONTAINERS_CONF`…).
 */
export interface ContainerEnvironment {
  /** Contents of the env file: `NAME=value` lines. */
  file: string;
  /** Variables for the CLI process, each also given as `--env NAME`. */
  passed: Record<string, string>;
}

/** Podman and Docker read env files line by line with Go's 64 KiB line limit. */
const MAX_FILE_LINE = 60_000;

/** Names an env file or `--env NAME` can carry: no blanks, `=` or `*` (a glob), not starting with `#` (a comment). */
const NAME = /^[^\s=#*][^\s=*]*$/;

/** Variables the container CLI itself reads; never overridden for a step. */
const CLI_OWN =
  /^(PATH|HOME|TMPDIR|TZ|USER|LOGNAME|SHELL|PWD|LANG|LC_\w*|XDG_\w*|_?CONTAINERS?_\w*|PODMAN_\w*|DOCKER_\w*|BUILDAH_\w*|STORAGE_\w*|REGISTRY_AUTH_FILE|LD_\w*|GO\w*|SSL_CERT_\w*|(HTTPS?|NO|ALL|FTP)_PROXY)$/i;

export function containerEnvironment(stepName: string, env: Readonly<Record<string, string>>): ContainerEnvironment {
  const lines: string[] = [];
  const passed: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name)) {
      throw new ConfigError(`step "${stepName}": the variable name ${JSON.stringify(name)} cannot be passed to a container`);
    }
    if (!/[\r\n]/.test(value) && name.length + value.length < MAX_FILE_LINE) {
      lines.push(`${name}=${value}`);
      continue;
    }
    if (CLI_OWN.test(name)) {
      throw new ConfigError(
        `step "${stepName}": the variable ${name} has a multi-line or very long value, which can only reach the container through the container CLI's own environment, where ${name} would change how the CLI runs; use another name`,
      );
    }
    passed[name] = value;
  }
  return { file: lines.length > 0 ? `${lines.join('\n')}\n` : '', passed };
}

/** `--env NAME` for every passed variable. */
export function passedFlags(passed: Readonly<Record<string, string>>): string[] {
  return Object.keys(passed).flatMap((name) => ['--env', name]);
}
