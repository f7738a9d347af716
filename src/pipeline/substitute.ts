/**
 * Drone's variable substitution (drone/envsubst), applied to pipeline
 * strings before they run:
 *
 * - only the braced form `${NAME}` is expanded; a bare `$NAME` is left for
 *   the shell, and `$$` is a literal `$` (so `$${NAME}` gives `${NAME}`);
 * - `${NAME=default}`, `${NAME:-default}`, `${NAME:=default}` use the
 *   default when the value is empty (Drone does not tell unset from empty);
 * - `${NAME:offset}`, `${NAME:offset:length}`, `${#NAME}`;
 * - `${NAME/old/new}`, `${NAME//old/new}`, `${NAME/#old/new}`, `${NAME/%old/new}` (literal text, `\/` escapes a slash);
 * - `${NAME#glob}`, `${NAME##glob}`, `${NAME%glob}`, `${NAME%%glob}` (`*` matches any text, `/` included);
 * - `${NAME^}`, `${NAME^^}`, `${NAME,}`, `${NAME,,}`;
 * - defaults and arguments may nest expressions: `${A=${B}-x}`.
 *
 * Unset variables become empty strings. Where Drone would reject the whole
 * file (an unclosed or malformed `${`), the text is left as written.
 * Unlike Drone, a backslash outside `${…}` is never touched, so shell
 * commands such as `sed 's/\//-/'` keep their escapes.
 */

type Vars = Readonly<Record<string, string>>;

export function substitute(text: string, vars: Vars): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') {
      out += '$';
      i += 2;
    } else if (c === '$' && text[i + 1] === '{') {
      const parsed = new Expression(text, vars).parse(i + 2);
      if (parsed) {
        out += parsed.value;
        i = parsed.end;
      } else {
        out += c;
        i += 1;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

interface Parsed {
  value: string;
  /** Index just after the closing brace. */
  end: number;
}

const identChar = /[\p{L}\p{N}_-]/u;

class Expression {
  private readonly text: string;
  private readonly vars: Vars;

  constructor(text: string, vars: Vars) {
    this.text = text;
    this.vars = vars;
  }

  /** Parses the expression whose name starts at `i` (just after `${`); undefined when malformed. */
  parse(i: number): Parsed | undefined {
    const t = this.text;
    if (t[i] === '#') {
      const name = this.ident(i + 1);
      if (!name || t[name.end] !== '}') return undefined;
      return { value: String([...this.lookup(name.value)].length), end: name.end + 1 };
    }
    const name = this.ident(i);
    if (!name) return undefined;
    const value = this.lookup(name.value);
    let j = name.end;
    const c = t[j];
    if (c === '}') return { value, end: j + 1 };
    if (c === ':' && '=-?+'.includes(t[j + 1] ?? '}')) return this.defaulted(value, j + 2);
    if (c === '=') return this.defaulted(value, j + 1);
    if (c === ':') return this.substring(value, j + 1);
    if (c === '^' || c === ',') {
      let op = '';
      while (op.length < 2 && (t[j] === '^' || t[j] === ',')) op += t[j++];
      if (t[j] !== '}') return undefined;
      return { value: casing(op, value), end: j + 1 };
    }
    if (c === '/') return this.replace(value, j + 1);
    if (c === '#' || c === '%') {
      const op = t[j + 1] === c ? c + c : c;
      j += op.length;
      const pattern = this.word(j, '}', false);
      if (!pattern || pattern.value === '') return undefined;
      return { value: trim(op, value, pattern.value), end: pattern.end + 1 };
    }
    return undefined;
  }

  private lookup(name: string): string {
    return Object.hasOwn(this.vars, name) ? (this.vars[name] ?? '') : '';
  }

  private ident(i: number): { value: string; end: number } | undefined {
    let j = i;
    while (j < this.text.length && identChar.test(this.text[j] ?? '')) j++;
    return j > i ? { value: this.text.slice(i, j), end: j } : undefined;
  }

  /**
   * Text up to (not including) one of `stops`, expanding nested `${…}`;
   * `end` is the index of the stop character. Undefined at end of text.
   */
  private word(i: number, stops: string, escapes: boolean): { value: string; end: number } | undefined {
    const t = this.text;
    let out = '';
    let j = i;
    while (j < t.length) {
      const c = t[j] ?? '';
      if (stops.includes(c)) return { value: out, end: j };
      if (c === '$' && t[j + 1] === '{') {
        const nested = this.parse(j + 2);
        if (!nested) return undefined;
        out += nested.value;
        j = nested.end;
      } else if (escapes && c === '\\' && (t[j + 1] === '/' || t[j + 1] === '\\')) {
        out += t[j + 1];
        j += 2;
      } else {
        out += c;
        j += 1;
      }
    }
    return undefined;
  }

  private defaulted(value: string, i: number): Parsed | undefined {
    const fallback = this.word(i, '}', false);
    if (!fallback) return undefined;
    return { value: value === '' ? fallback.value : value, end: fallback.end + 1 };
  }

  private substring(value: string, i: number): Parsed | undefined {
    const offset = this.word(i, ':}', false);
    if (!offset || offset.value === '') return undefined;
    let length: { value: string; end: number } | undefined;
    let end = offset.end;
    if (this.text[end] === ':') {
      length = this.word(end + 1, '}', false);
      if (!length) return undefined;
      end = length.end;
    }
    return { value: substr(value, offset.value, length?.value), end: end + 1 };
  }

  private replace(value: string, i: number): Parsed | undefined {
    let op = '/';
    let j = i;
    const next = this.text[j];
    if (next === '/' || next === '#' || next === '%') {
      op += next;
      j += 1;
    }
    const from = this.word(j, '/', true);
    if (!from) return undefined;
    j = from.end + 1;
    if (this.text[j] === '}') return { value: replace(op, value, from.value, undefined), end: j + 1 };
    const to = this.word(j, '}', true);
    if (!to) return undefined;
    return { value: replace(op, value, from.value, to.value), end: to.end + 1 };
  }
}

function casing(op: string, s: string): string {
  const [first = '', ...rest] = [...s];
  switch (op) {
    case '^':
      return first.toUpperCase() + rest.join('');
    case '^^':
      return s.toUpperCase();
    case ',':
      return first.toLowerCase() + rest.join('');
    case ',,':
      return s.toLowerCase();
    default:
      return s;
  }
}

const integer = /^[+-]?\d+$/;

/** bash-like `${s:offset:length}`: a negative offset counts from the end; unparsable numbers give `s`. */
function substr(s: string, offsetText: string, lengthText: string | undefined): string {
  const chars = [...s];
  if (!integer.test(offsetText)) return s;
  let pos = Number.parseInt(offsetText, 10);
  if (pos < 0) pos = Math.max(0, chars.length + pos);
  if (lengthText === undefined) return chars.slice(pos).join('');
  if (!integer.test(lengthText)) return s;
  const length = Number.parseInt(lengthText, 10);
  const end = length < 0 ? chars.length + length : pos + length;
  return end <= pos ? '' : chars.slice(pos, end).join('');
}

function replace(op: string, s: string, from: string, to: string | undefined): string {
  switch (op) {
    case '//':
      return from === '' ? s : s.split(from).join(to ?? '');
    case '/#':
      return to !== undefined && s.startsWith(from) ? to + s.slice(from.length) : s;
    case '/%':
      return to !== undefined && s.endsWith(from) ? s.slice(0, s.length - from.length) + to : s;
    default:
      return s.replace(from, () => to ?? '');
  }
}

/** `#`/`##` remove the shortest/longest matching prefix, `%`/`%%` the shortest/longest matching suffix. */
function trim(op: string, s: string, pattern: string): string {
  const re = globRegExp(pattern);
  if (!re) return s;
  const lengths = Array.from({ length: s.length }, (_, k) => k + 1); // never the empty string, as Drone
  const ordered = op.length === 2 ? lengths.reverse() : lengths;
  for (const n of ordered) {
    const part = op[0] === '#' ? s.slice(0, n) : s.slice(s.length - n);
    if (re.test(part)) return op[0] === '#' ? s.slice(n) : s.slice(0, s.length - n);
  }
  return s;
}

/** Shell pattern → anchored RegExp: `*` any text, `?` one character, `[…]` a class, `\x` a literal. */
function globRegExp(pattern: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i] ?? '');
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return undefined;
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else source += escapeRegExp(c);
  }
  try {
    return new RegExp(`^${source}$`, 'u');
  } catch {
    return undefined;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
