export { FakeApiServer, startFakeApiServer } from './server.ts';
export type { FakeApiServerOptions, ObjectRef, RecordedRequest, Verb } from './server.ts';
export type { Json, JsonObject } from './json.ts';
