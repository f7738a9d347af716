export { seedDemo } from './seed.ts';
export type { Demo, DemoOptions } from './seed.ts';
export { DEMO_CONFIG, DEMO_SERVICE } from './files.ts';
