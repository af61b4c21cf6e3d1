import { FrameContexts, app, authentication } from '@microsoft/teams-js';
import { TEAMS_INIT_TIMEOUT_MS, after, initializeTeams } from '../theme/hostTheme';

/**
 * Admin consent to Offramp's Entra app. Microsoft sends the administrator back to the
 * server, which sends them on to /tabs/tenants?connected=<id> or ?consentError=<message>.
 *
 * In a browser the whole window goes to Microsoft and comes back. Inside Teams the tab
 * cannot leave its frame: Teams opens the consent in a pop-up (authentication.authenticate),
 * and the pop-up, back on /tabs/tenants, hands its query to the tab and closes.
 */

export const CONSENT_PARAMS = ['connected', 'consentError'] as const;

export type ConsentOutcome = { kind: 'connected'; id: string } | { kind: 'error'; message: string };

/** The outcome carried by a query string, if any. */
export function consentOutcome(search: string | URLSearchParams): ConsentOutcome | null {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const error = params.get('consentError');
  if (error !== null) return { kind: 'error', message: error.trim() || 'Microsoft did not grant the consent.' };
  const id = params.get('connected');
  if (id !== null) return { kind: 'connected', id };
  return null;
}

/** Opens the consent in a Teams pop-up; resolves with its outcome, or null if the person closed it. */
export async function consentInTeams(url: string): Promise<ConsentOutcome | null> {
  try {
    const result = await authentication.authenticate({ url, width: 600, height: 720 });
    return consentOutcome(result) ?? { kind: 'error', message: 'The consent window closed without saying whether the tenant was connected.' };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (/CancelledByUser/i.test(reason)) return null;
    return { kind: 'error', message: reason || 'The consent window failed.' };
  }
}

/**
 * Called once as the page starts: when this page is Teams' consent pop-up coming back,
 * hand the outcome to the tab that opened it (Teams then closes the pop-up).
 * Never blocks rendering; does nothing in a browser or a normal tab.
 */
export async function completeConsentPopup(search: string = window.location.search): Promise<void> {
  if (!consentOutcome(search)) return;
  const inTeams = await Promise.race([initializeTeams(), after(TEAMS_INIT_TIMEOUT_MS, false)]);
  if (!inTeams) return;
  try {
    const context = await app.getContext();
    if (context.page.frameContext !== FrameContexts.authentication) return;
    const params = new URLSearchParams(search);
    const carried = new URLSearchParams();
    for (const name of CONSENT_PARAMS) {
      const value = params.get(name);
      if (value !== null) carried.set(name, value);
    }
    authentication.notifySuccess(carried.toString());
  } catch {
    /* not an authentication window: the Tenants page shows the outcome itself */
  }
}
