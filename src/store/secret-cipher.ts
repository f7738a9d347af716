import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from '../core/index.ts';

/** An encrypted secret value as stored. */
export interface SealedValue {
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  /** Identifies the key (not secret), so a wrong key is told apart from a tampered row. */
  keyId: string;
}

/**
 * What a sealed value is for. Each purpose has its own associated-data label,
 * so a repository secret and a host setting that share a name never open as
 * each other.
 */
export type SealPurpose = 'secret' | 'repo-host' | 'cluster' | 'notification-target';

const LABELS: Readonly<Record<SealPurpose, string>> = {
  secret: 'trunkline-secret-v1',
  'repo-host': 'trunkline-repo-host-v1',
  cluster: 'trunkline-cluster-v1',
  'notification-target': 'trunkline-notification-target-v1',
};

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;

/**
 * AES-256-GCM with a random nonce per value. The associated data binds the
 * ciphertext to its repository and name, so rows moved or swapped in the
 * database fail authentication instead of revealing another secret.
 */
export class SecretCipher {
  readonly #key: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    this.#key = key;
    this.keyId = createHmac('sha256', key).update('trunkline secret key id').digest('hex').slice(0, 16);
  }

  seal(repoId: string, name: string, value: string, purpose: SealPurpose = 'secret'): SealedValue {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, nonce);
    cipher.setAAD(associatedData(purpose, repoId, name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { nonce, ciphertext, tag: cipher.getAuthTag(), keyId: this.keyId };
  }

  open(repoId: string, name: string, sealed: SealedValue, purpose: SealPurpose = 'secret'): string {
    if (sealed.keyId !== this.keyId) {
      throw new ConfigError(
        `secret ${name} cannot be decrypted: it was encrypted with another secret key (key id ${sealed.keyId}, configured key id ${this.keyId})`,
        { repoId, name },
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, sealed.nonce);
      decipher.setAAD(associatedData(purpose, repoId, name));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new ConfigError(
        `secret ${name} cannot be decrypted: authentication failed (the stored row was altered or belongs to another secret)`,
        { repoId, name },
        { cause },
      );
    }
  }
}

function associatedData(purpose: SealPurpose, repoId: string, name: string): Buffer {
  return Buffer.from(JSON.stringify([LABELS[purpose], repoId, name]), 'utf8');
}
