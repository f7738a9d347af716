/**
 * A small ANSI SGR ("colour") decoder for build logs: text in, styled
 * segments out. Other escape sequences (cursor moves, OSC titles) are dropped.
 */

export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

/** The 16 basic colours (xterm defaults, readable on dark and light backgrounds). */
const basic = ['#4d4d4d', '#e05561', '#4aa96c', '#d6a21b', '#4c8cde', '#b76ad8', '#2fa7b8', '#c8c8c8', '#7f7f7f', '#ff6e7a', '#6fd08c', '#f0c44c', '#78aaff', '#d79bf2', '#5fd7e6', '#ffffff'];

function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return basic[n];
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const i = n - 16;
  const step = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  return `rgb(${step(Math.floor(i / 36))},${step(Math.floor(i / 6) % 6)},${step(i % 6)})`;
}

/** Reads an extended colour (`38;5;n` or `38;2;r;g;b`) at `codes[i]`; returns the colour and how many codes it used. */
function extended(codes: number[], i: number): [string | undefined, number] {
  if (codes[i + 1] === 5) return [color256(codes[i + 2] ?? -1), 3];
  if (codes[i + 1] === 2) {
    const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]];
    const ok = [r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255);
    return [ok ? `rgb(${r},${g},${b})` : undefined, 5];
  }
  return [undefined, 1];
}

export function applySgr(style: AnsiStyle, codes: number[]): AnsiStyle {
  let next: AnsiStyle = { ...style };
  if (codes.length === 0) codes = [0];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 22) {
      delete next.bold;
      delete next.dim;
    }
    else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code === 27) delete next.inverse;
    else if (code >= 30 && code <= 37) next.fg = basic[code - 30];
    else if (code >= 90 && code <= 97) next.fg = basic[code - 90 + 8];
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = basic[code - 40];
    else if (code >= 100 && code <= 107) next.bg = basic[code - 100 + 8];
    else if (code === 49) delete next.bg;
    else if (code === 38 || code === 48) {
      const [value, used] = extended(codes, i);
      if (value) next[code === 38 ? 'fg' : 'bg'] = value;
      i += used - 1;
    }
  }
  return next;
}

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), or a lone two-character escape.
// eslint-disable-next-line no-control-regex
const escape = /\u001b(?:\[([0-9;?]*)([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_]?)/g;

/** Splits `text` into styled segments, starting from `style` (for styles carried over lines). */
export function parseAnsi(text: string, style: AnsiStyle = {}): { segments: AnsiSegment[]; style: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let current = style;
  let last = 0;
  const push = (chunk: string) => {
    if (!chunk) return;
    const previous = segments.at(-1);
    if (previous && previous.style === current) previous.text += chunk;
    else segments.push({ text: chunk, style: current });
  };
  for (const match of text.matchAll(escape)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm' && !match[1]?.includes('?')) {
      current = applySgr(current, match[1] ? match[1].split(';').map((c) => (c === '' ? 0 : Number(c))) : []);
    }
  }
  push(text.slice(last));
  return { segments, style: current };
}

/** The text without any escape sequence (for search). */
export function stripAnsi(text: string): string {
  return text.replace(escape, '');
}
