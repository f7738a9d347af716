/** The repositories, written once against the `Database` contract that each engine implements. */
export { SqlStore } from './store.ts';
export type { EngineParts } from './store.ts';
export { migrate, currentVersion } from './migrate.ts';
export { migrations } from './migrations.ts';
export type { Migration } from './migrations.ts';
export type { Database, Dialect, Params, Row, SqlValue, TransactionOptions } from './database.ts';
export { translateConstraint } from './database.ts';
