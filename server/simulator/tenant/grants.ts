/**
 * A permission relation indexed both ways: what is granted on a target (a mailbox, a folder)
 * and what a trustee holds across the tenant — the question offboarding asks ("every mailbox
 * this person can open").
 */
export class Grants<T> {
  private readonly byTarget = new Map<string, Map<string, T>>();
  private readonly byTrustee = new Map<string, Set<string>>();

  get(target: string, trustee: string): T | undefined {
    return this.byTarget.get(target)?.get(trustee);
  }

  set(target: string, trustee: string, value: T): void {
    let on = this.byTarget.get(target);
    if (!on) this.byTarget.set(target, (on = new Map()));
    on.set(trustee, value);
    let held = this.byTrustee.get(trustee);
    if (!held) this.byTrustee.set(trustee, (held = new Set()));
    held.add(target);
  }

  delete(target: string, trustee: string): boolean {
    const on = this.byTarget.get(target);
    if (!on?.delete(trustee)) return false;
    if (on.size === 0) this.byTarget.delete(target);
    const held = this.byTrustee.get(trustee)!;
    held.delete(target);
    if (held.size === 0) this.byTrustee.delete(trustee);
    return true;
  }

  /** [trustee, grant] pairs on a target. */
  on(target: string): [string, T][] {
    return [...(this.byTarget.get(target) ?? [])];
  }

  /** [target, grant] pairs a trustee holds. */
  heldBy(trustee: string): [string, T][] {
    return [...(this.byTrustee.get(trustee) ?? [])].map((t) => [t, this.byTarget.get(t)!.get(trustee)!]);
  }

  all(): { target: string; trustee: string; grant: T }[] {
    return [...this.byTarget].flatMap(([target, on]) => [...on].map(([trustee, grant]) => ({ target, trustee, grant })));
  }
}
