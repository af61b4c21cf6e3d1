import { X509Certificate, randomBytes } from 'node:crypto';
import type { SimApp } from './identity.js';
import { guid, prng } from './seed.js';
import { derivedGuid } from './tenant/catalogue.js';

/**
 * App registrations known to the simulated tenant and their admin-consented application
 * permissions. The list is the one the identity's token endpoint reads, so a grant or a new
 * app takes effect for the next token (tokens already issued keep their roles, as in Entra).
 */
export interface AppRegistration {
  displayName?: string;
  roles?: string[];
  clientId?: string;
  clientSecret?: string;
  /** PEM certificates (public part) to accept client assertions from. */
  certificates?: string[];
}

/** An uploaded certificate as Entra keeps it: its SHA-256 thumbprint and public key. */
export function certificateCredential(pem: string) {
  const x509 = new X509Certificate(pem);
  return { thumbprintSha256: x509.fingerprint256.replace(/:/g, '').toUpperCase(), publicKey: x509.publicKey };
}

export class AppRegistry {
  readonly list: SimApp[] = [];
  private readonly grantedAt = new Map<string, Map<string, string>>();
  private readonly rand: () => number;

  constructor(seed: string) {
    this.rand = prng(`${seed}:apps`);
  }

  register(reg: AppRegistration = {}): SimApp {
    const app: SimApp = {
      clientId: reg.clientId ?? guid(this.rand),
      // A fresh secret every start: it lives only in this process, like the simulator itself.
      clientSecret: reg.clientSecret ?? randomBytes(24).toString('base64url'),
      displayName: reg.displayName ?? 'Test application',
      certificates: (reg.certificates ?? []).map(certificateCredential),
      appRoles: [],
    };
    this.list.push(app);
    this.grant(app.clientId, reg.roles ?? []);
    return app;
  }

  find(clientId: string): SimApp | undefined {
    return this.list.find((a) => a.clientId === clientId);
  }

  /** Admin consent to more application permissions. */
  grant(clientId: string, roles: readonly string[]): SimApp {
    const app = this.require(clientId);
    const at = this.grantedAt.get(clientId) ?? new Map<string, string>();
    this.grantedAt.set(clientId, at);
    for (const r of roles) {
      if (!app.appRoles.includes(r)) app.appRoles.push(r);
      if (!at.has(r)) at.set(r, new Date().toISOString());
    }
    return app;
  }

  revoke(clientId: string, roles: readonly string[]): SimApp {
    const app = this.require(clientId);
    app.appRoles = app.appRoles.filter((r) => !roles.includes(r));
    for (const r of roles) this.grantedAt.get(clientId)?.delete(r);
    return app;
  }

  /** Replaces the granted permissions. */
  setRoles(clientId: string, roles: readonly string[]): SimApp {
    this.revoke(clientId, [...this.require(clientId).appRoles]);
    return this.grant(clientId, roles);
  }

  grantedOn(clientId: string, role: string): string | undefined {
    return this.grantedAt.get(clientId)?.get(role);
  }

  servicePrincipalId(clientId: string): string {
    return derivedGuid(`sp:${clientId}`);
  }

  private require(clientId: string): SimApp {
    const app = this.find(clientId);
    if (!app) throw new Error(`No application ${clientId} is registered in the simulated tenant.`);
    return app;
  }
}
