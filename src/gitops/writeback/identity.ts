/** Who write-back commits as. */
export interface Identity {
  name: string;
  email: string;
}

export const defaultIdentity: Identity = { name: 'Trunkline', email: 'trunkline@localhost' };

/** The environment that makes git author and commit as `identity`, whatever the machine's config says. */
export function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}
