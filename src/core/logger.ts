/**
 * The logger every module receives by injection. It is the subset of pino's
 * API Trunkline uses, so pino satisfies it directly and tests can pass
 * `silentLogger`.
 */
export interface LogFn {
  (meta: object, message: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const ignore: LogFn = () => {};

export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};
