/**
 * The POSIX shell script for a step, like Drone's exec runner: stop at the
 * first failing command (`set -e`) and echo each command as `+ cmd` before
 * running it. stderr is merged into stdout so the log keeps their order.
 */
export function buildScript(commands: readonly string[]): string {
  const lines = ['exec 2>&1', 'set -e', ''];
  for (const command of commands) {
    lines.push(`printf '%s\\n' ${shellQuote(`+ ${command}`)}`, command, '');
  }
  return lines.join('\n');
}

/** Quotes `text` as one literal shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A file name for a step's script that cannot escape its folder. */
export function scriptFileName(index: number, stepName: string): string {
  const safe = stepName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64);
  return `${index}-${safe}.sh`;
}
