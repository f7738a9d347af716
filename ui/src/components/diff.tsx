/** A unified diff with added and removed lines marked (by colour and by their +/- sign). */
export function Diff({ text, label }: { text: string; label: string }) {
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {text.split('\n').map((line, i) => (
        <div key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : undefined}>
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}
