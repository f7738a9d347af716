export { startServer } from './start.ts';
export type { RunningServer } from './start.ts';
export { loadConfig } from './config.ts';
export type { ServerConfig } from './config.ts';
export { version } from './version.ts';
export { seedDemo, DEMO_CONFIG, DEMO_SERVICE } from './demo/index.ts';
