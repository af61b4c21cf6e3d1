import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for secrets at rest (tenant credentials, webhook URLs and headers):
 * each secret gets its own random data key (AES-256-GCM), and that data key is wrapped by the
 * master key from configuration. Associated data binds the ciphertext to its owner (e.g. the
 * tenant's row): moved to another row, it no longer decrypts.
 */

export interface SealedSecret {
  v: 1;
  /** Which master key wrapped the data key (its sha256, first 8 hex digits). */
  kid: string;
  iv: string;
  tag: string;
  ct: string;
  wiv: string;
  wtag: string;
  wk: string;
}

const b64 = (b: Buffer) => b.toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64');

function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

function gcmOpen(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

export class SecretBox {
  private readonly kid: string;
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes (AES-256).');
    this.kid = createHash('sha256').update(masterKey).digest('hex').slice(0, 8);
  }

  seal(plaintext: string, associatedData: string): SealedSecret {
    const aad = Buffer.from(associatedData, 'utf8');
    const dataKey = randomBytes(32);
    const data = gcmSeal(dataKey, Buffer.from(plaintext, 'utf8'), aad);
    const wrapped = gcmSeal(this.masterKey, dataKey, aad);
    dataKey.fill(0);
    return { v: 1, kid: this.kid, iv: b64(data.iv), tag: b64(data.tag), ct: b64(data.ct), wiv: b64(wrapped.iv), wtag: b64(wrapped.tag), wk: b64(wrapped.ct) };
  }

  open(sealed: SealedSecret, associatedData: string): string {
    if (sealed.kid !== this.kid) throw new Error(`This secret was sealed with another master key (${sealed.kid}).`);
    const aad = Buffer.from(associatedData, 'utf8');
    try {
      const dataKey = gcmOpen(this.masterKey, unb64(sealed.wiv), unb64(sealed.wk), unb64(sealed.wtag), aad);
      const plain = gcmOpen(dataKey, unb64(sealed.iv), unb64(sealed.ct), unb64(sealed.tag), aad);
      dataKey.fill(0);
      return plain.toString('utf8');
    } catch {
      throw new Error('The secret does not decrypt: it was changed, or belongs to something else.');
    }
  }
}
