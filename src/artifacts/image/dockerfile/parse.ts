import { ConfigError } from '../../../core/index.ts';

/** One Dockerfile instruction as written, before variables are expanded. */
export interface DockerInstruction {
  /** 1-based line where the instruction starts. */
  line: number;
  /** Upper-cased keyword (`FROM`, `COPY`…). */
  keyword: string;
  /** `--name=value` flags written before the arguments. */
  flags: { name: string; value: string }[];
  /** The arguments after the flags, continuation lines joined. */
  args: string;
  /** The exec (JSON array) form, when the arguments are one. */
  json?: string[];
}

export interface ParsedDockerfile {
  /** The escape character (`\` unless a `# escape=` directive says otherwise). */
  escape: string;
  instructions: DockerInstruction[];
}

const jsonForms = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);

/**
 * Splits a Dockerfile into instructions as the Dockerfile reference does:
 * parser directives at the top, `#` comment lines (also inside continued
 * instructions), the escape character at the end of a line continuing it,
 * empty continuation lines skipped, flags before arguments, JSON exec forms.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let index = 0;
  // Parser directives: only in the leading run of `# key=value` comments.
  for (; index < lines.length; index++) {
    const match = /^\s*#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$/.exec(lines[index]!);
    if (!match) break;
    if (match[1]!.toLowerCase() === 'escape') {
      if (match[2] !== '\\' && match[2] !== '`') {
        throw new ConfigError(`Dockerfile:${index + 1}: invalid escape directive "${match[2]}": use \\ or \``);
      }
      escape = match[2];
    }
  }
  const instructions: DockerInstruction[] = [];
  while (index < lines.length) {
    const raw = lines[index]!;
    index++;
    if (isBlankOrComment(raw)) continue;
    const start = index;
    let body = raw.trim();
    while (continues(body, escape)) {
      body = body.slice(0, body.trimEnd().length - 1);
      let next: string | undefined;
      while (index < lines.length) {
        next = lines[index]!;
        index++;
        if (!isBlankOrComment(next)) break;
        next = undefined;
      }
      if (next === undefined) break;
      body += next.trimStart();
    }
    instructions.push(instruction(body.trim(), start));
  }
  return { escape, instructions };
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

function continues(body: string, escape: string): boolean {
  const trimmed = body.trimEnd();
  if (!trimmed.endsWith(escape)) return false;
  // An escaped escape character (`\\`) at the end does not continue the line.
  let count = 0;
  for (let i = trimmed.length - 1; i >= 0 && trimmed[i] === escape; i--) count++;
  return count % 2 === 1;
}

function instruction(body: string, line: number): DockerInstruction {
  const match = /^(\S+)\s*(.*)$/s.exec(body);
  if (!match) throw new ConfigError(`Dockerfile:${line}: empty instruction`);
  const keyword = match[1]!.toUpperCase();
  if (!/^[A-Z]+$/.test(keyword)) throw new ConfigError(`Dockerfile:${line}: "${match[1]}" is not an instruction`);
  let rest = match[2]!;
  const flags: { name: string; value: string }[] = [];
  for (;;) {
    const flag = /^--([a-zA-Z][a-zA-Z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!flag) break;
    flags.push({ name: flag[1]!, value: flag[2] ?? '' });
    rest = rest.slice(flag[0].length);
  }
  const args = rest.trim();
  const parsed: DockerInstruction = { line, keyword, flags, args };
  if (jsonForms.has(keyword) && args.startsWith('[')) {
    const json = jsonArray(args);
    if (json) parsed.json = json;
  }
  return parsed;
}

/** The exec form: a JSON array of strings; anything else is the shell form (as Docker treats it). */
function jsonArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  } catch {
    // Not JSON: the shell form.
  }
  return undefined;
}
