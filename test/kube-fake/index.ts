export { FakeApiServer, startFakeApiServer } from './server.ts';
export type { FakeApiServerOptions, LogSource, ObjectRef, RecordedRequest, Verb } from './server.ts';
export type { Json, JsonObject } from './json.ts';
export { ApiError } from './status.ts';
export { FakeKubelet, startFakeKubelet } from './kubelet.ts';
export type { FakeKubeletOptions } from './kubelet.ts';
