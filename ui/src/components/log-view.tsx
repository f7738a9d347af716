import { useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { parseAnsi, stripAnsi, type AnsiSegment, type AnsiStyle } from '../ansi.ts';
import { follow } from '../sse.ts';
import type { LogLine } from '../types.ts';

interface Line {
  pos: number;
  segments: AnsiSegment[];
  plain: string;
}

function styleOf(style: AnsiStyle): CSSProperties {
  const [fg, bg] = style.inverse ? [style.bg ?? 'var(--log-bg)', style.fg ?? 'var(--log-fg)'] : [style.fg, style.bg];
  return {
    color: fg,
    background: bg,
    fontWeight: style.bold ? 700 : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? 'italic' : undefined,
    textDecoration: style.underline ? 'underline' : undefined,
  };
}

function Highlighted({ text, needle }: { text: string; needle: string }) {
  if (!needle) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); hit >= 0; hit = lower.indexOf(needle, hit + needle.length)) {
    parts.push(text.slice(at, hit), <mark key={hit}>{text.slice(hit, hit + needle.length)}</mark>);
    at = hit + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/**
 * A step's log, streamed live over SSE (resuming after a dropped connection),
 * with ANSI colours, line numbers, search and auto-follow. Secrets arrive
 * already masked by the runner.
 */
export function LogView({ url, stepLabel }: { url: string; stepLabel: string }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [ended, setEnded] = useState(false);
  const [search, setSearch] = useState('');
  const [autoFollow, setAutoFollow] = useState(true);
  const [current, setCurrent] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  // One stream per mounted view: give the view a new `key` for another step.
  useEffect(() => {
    let style: AnsiStyle = {};
    let next = 0;
    let pending: Line[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      setLines((previous) => previous.concat(batch));
    };
    const stop = follow(url, (event) => {
      if (event.event === 'end') {
        if (frame) cancelAnimationFrame(frame);
        flush();
        setEnded(true);
        return;
      }
      if (event.event !== 'line') return;
      const line = JSON.parse(event.data) as LogLine;
      if (line.pos < next) return;
      next = line.pos + 1;
      const parsed = parseAnsi(line.out, style);
      style = parsed.style;
      pending.push({ pos: line.pos, segments: parsed.segments, plain: stripAnsi(line.out) });
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      stop();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [url]);

  const needle = search.trim().toLowerCase();
  const matches = useMemo(() => (needle ? lines.filter((line) => line.plain.toLowerCase().includes(needle)).map((line) => line.pos) : []), [lines, needle]);

  useEffect(() => {
    if (autoFollow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, autoFollow]);

  const goTo = (index: number) => {
    if (matches.length === 0) return;
    const wrapped = (index + matches.length) % matches.length;
    setCurrent(wrapped);
    setAutoFollow(false);
    box.current?.querySelector(`[data-pos="${matches[wrapped]}"]`)?.scrollIntoView({ block: 'center' });
  };

  return (
    <section className="log" aria-label={`Log of ${stepLabel}`}>
      <div className="log-tools">
        <label className="field inline">
          Search log
          <input
            type="search"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setCurrent(0);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') goTo(current + (event.shiftKey ? -1 : 1));
            }}
          />
        </label>
        {needle && (
          <>
            <span role="status" aria-live="polite">
              {matches.length} {matches.length === 1 ? 'match' : 'matches'}
            </span>
            <button type="button" onClick={() => goTo(current - 1)} disabled={!matches.length}>
              Previous match
            </button>
            <button type="button" onClick={() => goTo(current + 1)} disabled={!matches.length}>
              Next match
            </button>
          </>
        )}
        <label className="check">
          <input type="checkbox" checked={autoFollow} onChange={(event) => setAutoFollow(event.target.checked)} />
          Follow
        </label>
        <span className="muted" role="status">
          {ended ? `${lines.length} lines · complete` : 'streaming…'}
        </span>
      </div>
      <div
        className="log-lines"
        ref={box}
        tabIndex={0}
        role="log"
        aria-label={`${stepLabel} output`}
        onWheel={(event) => {
          if (event.deltaY < 0) setAutoFollow(false);
        }}
      >
        {lines.map((line) => (
          <div key={line.pos} className={`log-line${needle && line.plain.toLowerCase().includes(needle) ? ' hit' : ''}`} data-pos={line.pos}>
            <span className="ln" aria-hidden="true">
              {line.pos + 1}
            </span>
            <span className="out">
              {needle ? (
                <Highlighted text={line.plain} needle={needle} />
              ) : (
                line.segments.map((segment, i) => (
                  <span key={i} style={styleOf(segment.style)}>
                    {segment.text}
                  </span>
                ))
              )}
            </span>
          </div>
        ))}
        {ended && lines.length === 0 && <p className="muted">No output.</p>}
      </div>
    </section>
  );
}
