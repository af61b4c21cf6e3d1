import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../server/crypto/envelope.js';

describe('secrets at rest (AES-256-GCM envelope)', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = JSON.stringify({ clientId: 'app', clientSecret: 'very-secret-value' });

  it('opens what it sealed, for the same owner', () => {
    const sealed = box.seal(secret, 'tenant:1');
    expect(box.open(sealed, 'tenant:1')).toBe(secret);
    expect(JSON.stringify(sealed)).not.toContain('very-secret-value');
  });

  it('gives each secret its own data key and nonce', () => {
    const a = box.seal(secret, 'tenant:1');
    const b = box.seal(secret, 'tenant:1');
    expect(a.ct).not.toBe(b.ct);
    expect(a.wk).not.toBe(b.wk);
  });

  it('refuses to open a secret moved to another owner (associated data)', () => {
    const sealed = box.seal(secret, 'tenant:1');
    expect(() => box.open(sealed, 'tenant:2')).toThrow('does not decrypt');
  });

  it('refuses a changed ciphertext', () => {
    const sealed = box.seal(secret, 'tenant:1');
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0] = ct[0]! ^ 1;
    expect(() => box.open({ ...sealed, ct: ct.toString('base64') }, 'tenant:1')).toThrow('does not decrypt');
  });

  it('needs the master key that sealed it', () => {
    const sealed = box.seal(secret, 'tenant:1');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'tenant:1')).toThrow('another master key');
  });
});
