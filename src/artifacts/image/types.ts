/** The runtime settings a build sets on top of its base image (the image config's `config`). */
export interface ContainerSettings {
  /** Exec form. Setting it without `cmd` clears the base image's Cmd (Docker's rule). */
  entrypoint?: string[];
  cmd?: string[];
  /** Added to (and overriding by name) the base image's environment, in order. */
  env?: Record<string, string>;
  workingDir?: string;
  /** `user`, `uid`, `user:group` or `uid:gid`. */
  user?: string;
  /** `80`, `80/tcp`, `53/udp`; a bare number means tcp. */
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

/** One `history` entry of the image config. */
export interface HistoryStep {
  createdBy: string;
  /** True for steps that changed only the config (no layer). */
  emptyLayer?: boolean;
}
