/**
 * The Dockerfile "shell lexer": quote removal, escapes and `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR:+alternative}` expansion, as the
 * reference describes for ENV, ARG, LABEL, COPY, ADD, FROM, WORKDIR, USER,
 * EXPOSE. Single quotes keep their content literal.
 */
export function expandWords(text: string, vars: ReadonlyMap<string, string>, escape = '\\'): string[] {
  return lex(text, vars, escape, true);
}

/** Like {@link expandWords} but the whole text is one word (whitespace kept). */
export function expandWord(text: string, vars: ReadonlyMap<string, string>, escape = '\\'): string {
  return lex(text, vars, escape, false)[0] ?? '';
}

function lex(text: string, vars: ReadonlyMap<string, string>, escape: string, split: boolean): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  const variable = (): string => {
    const [value, next] = expandVariable(text, i, vars, escape);
    i = next;
    return value;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === escape && i + 1 < text.length) {
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      current += text.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      while (i < text.length && text[i] !== '"') {
        const d = text[i]!;
        if (d === escape && i + 1 < text.length && ['"', '$', escape].includes(text[i + 1]!)) {
          current += text[i + 1];
          i += 2;
        } else if (d === '$') {
          current += variable();
        } else {
          current += d;
          i++;
        }
      }
      i++;
    } else if (c === '$') {
      current += variable();
      inWord = true;
    } else if (split && /\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      i++;
    } else {
      current += c;
      inWord = true;
      i++;
    }
  }
  if (inWord || !split) words.push(current);
  return words;
}

/** Expands the variable starting at `text[start] === '$'`; returns its value and the index after it. */
function expandVariable(
  text: string,
  start: number,
  vars: ReadonlyMap<string, string>,
  escape: string,
): [string, number] {
  const simple = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(start));
  if (simple) return [vars.get(simple[1]!) ?? '', start + simple[0].length];
  if (text[start + 1] !== '{') return ['$', start + 1];
  const close = matchingBrace(text, start + 1);
  if (close < 0) return [text.slice(start), text.length];
  const inner = text.slice(start + 2, close);
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::([-+])(.*))?$/s.exec(inner);
  if (!match) return [text.slice(start, close + 1), close + 1];
  const value = vars.get(match[1]!);
  const set = value !== undefined && value !== '';
  let result = value ?? '';
  if (match[2] === '-' && !set) result = expandWord(match[3]!, vars, escape);
  if (match[2] === '+') result = set ? expandWord(match[3]!, vars, escape) : '';
  return [result, close + 1];
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
