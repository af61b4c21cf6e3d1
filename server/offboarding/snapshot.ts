import type { M365Actions } from '../m365/actions.js';
import type { TenantDirectory } from '../m365/directory.js';
import type { PlanStep } from './contract.js';
import { task } from './catalogue.js';
import type { Person, Snapshot } from './task.types.js';

/**
 * Reads what a plan will take away, before anything changes: the account, manager, groups,
 * licences, mailbox (type, forwarding, size), automatic replies and devices, and what single
 * tasks of the plan read for themselves. A run stores it (undo puts back from it); a preview
 * shows it.
 */
export async function takeSnapshot(m365: M365Actions, directory: TenantDirectory, person: Person, plan: PlanStep[]): Promise<Snapshot> {
  const [account, manager, groups, licences, mailbox, devices, skus] = await Promise.all([
    m365.getAccountState(person.objectId),
    m365.getManager(person.objectId),
    m365.listMemberships(person.objectId),
    m365.listLicences(person.objectId),
    m365.getMailbox(person.userPrincipalName),
    m365.listManagedDevices(person.objectId),
    directory.subscribedSkus(),
  ]);
  const autoReply = mailbox ? await m365.getAutoReply(person.objectId) : null;
  const base: Omit<Snapshot, 'parts'> = {
    takenAt: new Date().toISOString(),
    account: account ? { accountEnabled: account.accountEnabled, onPremisesSyncEnabled: account.onPremisesSyncEnabled } : null,
    manager,
    groups,
    licences,
    skus: Object.fromEntries(skus.map((s) => [s.skuId, s.skuPartNumber])),
    mailbox,
    autoReply,
    devices,
  };
  const parts: Snapshot['parts'] = {};
  await Promise.all(
    plan.map(async (s) => {
      const read = task(s.task).snapshot;
      if (read) parts[s.task] = await read({ m365, person, snapshot: base });
    }),
  );
  return { ...base, parts };
}
