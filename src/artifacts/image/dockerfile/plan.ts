import { posix } from 'node:path';
import { ConfigError } from '../../../core/index.ts';
import type { ContainerSettings, HistoryStep } from '../types.ts';
import type { DockerInstruction, ParsedDockerfile } from './parse.ts';
import { expandWord, expandWords } from './words.ts';

/** A COPY or ADD: local sources (relative to the build context) into one layer. */
export interface CopyStep {
  line: number;
  keyword: 'COPY' | 'ADD';
  /** Context-relative sources as written (after expansion); may hold wildcards. */
  sources: string[];
  /** Absolute destination in the image; a trailing `/` means "into this folder". */
  dest: string;
  uid?: number;
  gid?: number;
}

/** What a Dockerfile of the supported subset asks for. */
export interface DockerfilePlan {
  base: string;
  stage?: string;
  copies: CopyStep[];
  settings: ContainerSettings;
  /** One entry per instruction after FROM, COPY/ADD ones with a layer. */
  history: HistoryStep[];
}

export interface PlanOptions {
  buildArgs?: Record<string, string>;
  /** The base image's environment (`KEY=value`) and working folder, visible to the Dockerfile. */
  baseEnv?: string[];
  baseWorkingDir?: string;
}

export const supportedInstructions = ['FROM', 'COPY', 'ADD', 'ARG', 'ENV', 'WORKDIR', 'USER', 'EXPOSE', 'LABEL', 'ENTRYPOINT', 'CMD'];
/** Valid Dockerfile instructions the daemonless builder cannot carry out (a container builder can). */
export const builderInstructions = ['RUN', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'STOPSIGNAL', 'VOLUME', 'MAINTAINER'];

const fail = (i: { line: number }, message: string): never => {
  throw new ConfigError(`Dockerfile:${i.line}: ${message}`, { line: i.line });
};

/** The first instruction only a container builder (buildah, podman, docker) can carry out. */
export function needsContainerBuilder(parsed: ParsedDockerfile): DockerInstruction | undefined {
  return parsed.instructions.find((i) => builderInstructions.includes(i.keyword));
}

/** The base image reference of the (single) FROM, expanded with the ARGs declared before it. */
export function baseOf(parsed: ParsedDockerfile, buildArgs: Record<string, string> = {}): string {
  const vars = new Map<string, string>();
  for (const i of parsed.instructions) {
    if (i.keyword === 'FROM') return fromParts(i, vars, parsed.escape).base;
    if (i.keyword !== 'ARG') fail(i, `${i.keyword} before FROM: only ARG may come before FROM`);
    declareArgs(i, vars, buildArgs, parsed.escape);
  }
  throw new ConfigError('Dockerfile: no FROM instruction');
}

/**
 * Checks the Dockerfile against the supported subset and evaluates it:
 * ARG/ENV expansion, WORKDIR-relative destinations, JSON and shell forms.
 * Errors name the line.
 */
export function planDockerfile(parsed: ParsedDockerfile, options: PlanOptions = {}): DockerfilePlan {
  const buildArgs = options.buildArgs ?? {};
  const escape = parsed.escape;
  const globals = new Map<string, string>();
  const args = new Map<string, string>();
  const env = new Map<string, string>();
  for (const pair of options.baseEnv ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0) env.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const vars = (): Map<string, string> => new Map([...args, ...env]);
  const settings: ContainerSettings = {};
  const envSet: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const ports: string[] = [];
  const copies: CopyStep[] = [];
  const history: HistoryStep[] = [];
  let workingDir = options.baseWorkingDir || '/';
  let from: { base: string; stage?: string } | undefined;

  for (const i of parsed.instructions) {
    if (!from) {
      if (i.keyword === 'ARG') {
        declareArgs(i, globals, buildArgs, escape);
        continue;
      }
      if (i.keyword !== 'FROM') fail(i, `${i.keyword} before FROM: only ARG may come before FROM`);
      from = fromParts(i, globals, escape);
      continue;
    }
    const text = `${i.keyword} ${i.flags.map((f) => `--${f.name}=${f.value} `).join('')}${i.args}`;
    switch (i.keyword) {
      case 'FROM':
        fail(i, 'multi-stage builds are not supported by the daemonless builder: use one FROM');
        break;
      case 'ARG': {
        // A stage sees a global ARG only when it declares it again.
        const local = new Map<string, string>();
        declareArgs(i, local, buildArgs, escape, globals);
        for (const [k, v] of local) args.set(k, v);
        history.push({ createdBy: text, emptyLayer: true });
        break;
      }
      case 'ENV':
        for (const [k, v] of pairs(i, vars(), escape, true)) {
          env.set(k, v);
          envSet[k] = v;
        }
        history.push({ createdBy: text, emptyLayer: true });
        break;
      case 'LABEL':
        for (const [k, v] of pairs(i, vars(), escape, false)) labels[k] = v;
        history.push({ createdBy: text, emptyLayer: true });
        break;
      case 'WORKDIR': {
        noFlags(i);
        const dir = expandWord(i.args, vars(), escape);
        if (!dir) fail(i, 'WORKDIR needs a path');
        workingDir = posix.resolve(workingDir, dir);
        settings.workingDir = workingDir;
        history.push({ createdBy: text, emptyLayer: true });
        break;
      }
      case 'USER': {
        noFlags(i);
        const user = expandWord(i.args, vars(), escape).trim();
        if (!user || /\s/.test(user)) fail(i, 'USER needs one user[:group]');
        settings.user = user;
        history.push({ createdBy: text, emptyLayer: true });
        break;
      }
      case 'EXPOSE':
        noFlags(i);
        for (const word of expandWords(i.args, vars(), escape)) ports.push(...exposed(i, word));
        history.push({ createdBy: text, emptyLayer: true });
        break;
      case 'ENTRYPOINT':
        noFlags(i);
        settings.entrypoint = command(i);
        // Docker: a new ENTRYPOINT clears any CMD set before it.
        delete settings.cmd;
        history.push({ createdBy: text, emptyLayer: true });
        break;
      case 'CMD':
        noFlags(i);
        settings.cmd = command(i);
        history.push({ createdBy: text, emptyLayer: true });
        break;
      case 'COPY':
      case 'ADD':
        copies.push(copyStep(i, vars(), escape, workingDir));
        history.push({ createdBy: text });
        break;
      default:
        if (builderInstructions.includes(i.keyword)) {
          fail(
            i,
            `${i.keyword} is not supported by the daemonless builder (it supports ${supportedInstructions.join(', ')}); ` +
              'install buildah, podman or docker to build this Dockerfile',
          );
        }
        fail(i, `unknown instruction ${i.keyword}`);
    }
  }
  if (!from) throw new ConfigError('Dockerfile: no FROM instruction');
  if (Object.keys(envSet).length) settings.env = envSet;
  if (Object.keys(labels).length) settings.labels = labels;
  if (ports.length) settings.exposedPorts = [...new Set(ports)];
  return { ...from, copies, settings, history };
}

function noFlags(i: DockerInstruction): void {
  const flag = i.flags[0];
  if (flag) fail(i, `${i.keyword} does not accept --${flag.name}`);
}

function fromParts(i: DockerInstruction, vars: Map<string, string>, escape: string): { base: string; stage?: string } {
  const platform = i.flags.find((f) => f.name === 'platform');
  if (platform && expandWord(platform.value, vars, escape) !== 'linux/amd64') {
    fail(i, `FROM --platform=${platform.value}: only linux/amd64 is built`);
  }
  if (i.flags.some((f) => f.name !== 'platform')) fail(i, `FROM does not accept --${i.flags.find((f) => f.name !== 'platform')!.name}`);
  const words = expandWords(i.args, vars, escape);
  if (words.length === 1 && words[0]) return { base: words[0] };
  if (words.length === 3 && words[1]!.toUpperCase() === 'AS' && words[0]) return { base: words[0], stage: words[2]! };
  return fail(i, 'FROM needs an image, optionally followed by AS name');
}

function declareArgs(
  i: DockerInstruction,
  into: Map<string, string>,
  buildArgs: Record<string, string>,
  escape: string,
  globals?: Map<string, string>,
): void {
  noFlags(i);
  const words = expandWords(i.args, new Map([...(globals ?? []), ...into]), escape);
  if (words.length === 0) fail(i, 'ARG needs a name');
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(i, `invalid ARG name "${name}"`);
    const value = buildArgs[name] ?? (eq < 0 ? globals?.get(name) : word.slice(eq + 1));
    if (value !== undefined) into.set(name, value);
    else into.delete(name);
  }
}

/** `KEY=value …`, or the legacy `KEY value with spaces` (ENV only). */
function pairs(i: DockerInstruction, vars: Map<string, string>, escape: string, legacy: boolean): [string, string][] {
  noFlags(i);
  const first = /^\S+/.exec(i.args)?.[0] ?? '';
  if (legacy && first && !first.includes('=')) {
    const value = i.args.slice(first.length).trim();
    if (!value) fail(i, `${i.keyword} ${first} needs a value`);
    return [[first, expandWord(value, vars, escape)]];
  }
  const words = expandWords(i.args, vars, escape);
  if (words.length === 0) fail(i, `${i.keyword} needs key=value pairs`);
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) fail(i, `${i.keyword} expects key=value, got "${word}"`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

function exposed(i: DockerInstruction, word: string): string[] {
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
  if (!match) fail(i, `EXPOSE expects port[/tcp|udp|sctp], got "${word}"`);
  const low = Number(match![1]);
  const high = Number(match![2] ?? match![1]);
  if (low < 1 || high > 65535 || high < low) fail(i, `EXPOSE port out of range: ${word}`);
  const proto = (match![3] ?? 'tcp').toLowerCase();
  return Array.from({ length: high - low + 1 }, (_, k) => `${low + k}/${proto}`);
}

/** Exec form as is; shell form runs through `/bin/sh -c`. */
function command(i: DockerInstruction): string[] {
  if (i.json) return i.json;
  if (!i.args) fail(i, `${i.keyword} needs a command`);
  return ['/bin/sh', '-c', i.args];
}

function copyStep(i: DockerInstruction, vars: Map<string, string>, escape: string, workingDir: string): CopyStep {
  const keyword = i.keyword as 'COPY' | 'ADD';
  const step: Partial<CopyStep> = {};
  for (const flag of i.flags) {
    if (flag.name === 'chown') Object.assign(step, owner(i, expandWord(flag.value, vars, escape)));
    else if (flag.name === 'from') fail(i, `${keyword} --from needs another stage or image: multi-stage builds are not supported by the daemonless builder`);
    else if (flag.name !== 'link') fail(i, `${keyword} --${flag.name} is not supported by the daemonless builder`);
  }
  const words = i.json ? i.json.map((w) => expandWord(w, vars, escape)) : expandWords(i.args, vars, escape);
  if (words.length < 2) fail(i, `${keyword} needs at least one source and a destination`);
  const sources = words.slice(0, -1);
  const written = words.at(-1)!;
  if (sources.length > 1 && !written.endsWith('/')) {
    fail(i, `${keyword} with several sources needs a destination folder ending with /`);
  }
  for (const source of sources) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@')) {
      fail(i, `${keyword} of a URL (${source}) is not supported by the daemonless builder: fetch it in an earlier step and copy the file`);
    }
  }
  const dest = posix.resolve(workingDir, written) + (written.endsWith('/') || written === '.' ? '/' : '');
  return { line: i.line, keyword, sources, dest: dest.replace(/\/+$/, '/'), ...step };
}

function owner(i: DockerInstruction, value: string): { uid: number; gid: number } {
  const match = /^(\d+)(?::(\d+))?$/.exec(value);
  if (!match) fail(i, `--chown=${value}: the daemonless builder accepts numeric ids only (uid or uid:gid)`);
  const uid = Number(match![1]);
  return { uid, gid: match![2] === undefined ? uid : Number(match![2]) };
}
