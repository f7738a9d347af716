/**
 * Kubernetes resource quantities (`500m`, `1Gi`, `1e3`, `2`) as exact
 * rational numbers, so `1000m` equals `1` and `1Gi` equals `1024Mi`.
 */
const suffixes: Record<string, [bigint, bigint]> = {
  '': [1n, 1n],
  n: [1n, 1_000_000_000n],
  u: [1n, 1_000_000n],
  m: [1n, 1000n],
  k: [1000n, 1n],
  M: [1000n ** 2n, 1n],
  G: [1000n ** 3n, 1n],
  T: [1000n ** 4n, 1n],
  P: [1000n ** 5n, 1n],
  E: [1000n ** 6n, 1n],
  Ki: [1024n, 1n],
  Mi: [1024n ** 2n, 1n],
  Gi: [1024n ** 3n, 1n],
  Ti: [1024n ** 4n, 1n],
  Pi: [1024n ** 5n, 1n],
  Ei: [1024n ** 6n, 1n],
};

const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** `[numerator, denominator]`, or undefined when `value` is not a quantity. */
export function parseQuantity(value: unknown): [bigint, bigint] | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return undefined;
  const m = pattern.exec(text.trim());
  if (!m) return undefined;
  const [whole = '', fraction = ''] = (m[2] ?? '').split('.');
  let num = BigInt(`${whole || '0'}${fraction}`) * (m[1] === '-' ? -1n : 1n);
  let den = 10n ** BigInt(fraction.length);
  if (m[3]) {
    const exp = Number(m[3].slice(1));
    if (Math.abs(exp) > 64) return undefined;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  } else {
    const [mul, div] = suffixes[m[4] ?? ''] ?? [1n, 1n];
    num *= mul;
    den *= div;
  }
  return [num, den];
}

export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x[0] * y[1] === y[0] * x[1];
}
