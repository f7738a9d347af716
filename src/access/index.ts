export { roles, can, capabilities, authorize, isRole } from './permissions.ts';
export type { Action } from './permissions.ts';
export { authenticate, tokenFromHeader } from './authenticate.ts';
export type { Principal } from './authenticate.ts';
export { ensureAdmin } from './bootstrap.ts';
