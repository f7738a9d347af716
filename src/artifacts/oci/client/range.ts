/**
 * The number of bytes an upload session holds, from its `Range` header
 * (`0-<last>` or `bytes=0-<last>`, inclusive). Distribution answers `0-0`
 * both for an empty session and for one byte; the caller says which is
 * meant by what it has sent.
 */
export function uploadedBytes(header: string | null, sentSomething: boolean): number | undefined {
  if (!header) return undefined;
  const match = /^(?:bytes=)?(\d+)-(\d+)$/.exec(header.trim());
  if (!match) return undefined;
  const last = Number(match[2]);
  if (last === 0 && !sentSomething) return 0;
  return last + 1;
}
