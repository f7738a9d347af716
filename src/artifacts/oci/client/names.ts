/**
 * The grammar pieces of distribution-spec names, shared by the reference
 * parser and the client's argument checks.
 */

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';

/** A repository path: lowercase components separated by `/`. */
export const repositoryPattern = new RegExp(`^${component}(?:/${component})*$`);

/** A tag: up to 128 characters, not starting with `.` or `-`. */
export const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A digest in the two algorithms registries use. */
export const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const hostLabel = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
/** `host[:port]`: a DNS name or IPv4 address, or a bracketed IPv6 address. */
export const registryPattern = new RegExp(`^(?:${hostLabel}(?:\\.${hostLabel})*|\\[[A-Fa-f0-9:.]+\\])(?::[0-9]+)?$`);

/** Repository names are limited to 255 characters including the registry, as Docker does. */
export const maxNameLength = 255;
