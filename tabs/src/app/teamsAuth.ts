import { authentication } from '@microsoft/teams-js';
import { TEAMS_INIT_TIMEOUT_MS, after, initializeTeams } from '../theme/hostTheme';
import { errorMessage } from '../api/client';

/** How long Teams may take to hand over an SSO token before we give up on it. */
export const TEAMS_TOKEN_TIMEOUT_MS = 3000;

export type TeamsTokenResult = { token: string } | { token: null; reason: 'not-in-teams' | 'timeout' | 'failed'; message?: string };

/**
 * A Teams single sign-on token for our API, when the page runs inside Teams.
 * Never waits longer than TEAMS_INIT_TIMEOUT_MS + TEAMS_TOKEN_TIMEOUT_MS; never rejects.
 */
export async function teamsToken(waitForHost = true): Promise<TeamsTokenResult> {
  const inTeams = waitForHost
    ? await Promise.race([initializeTeams(), after(TEAMS_INIT_TIMEOUT_MS, false)])
    : await Promise.race([initializeTeams(), after(0, false)]);
  if (!inTeams) return { token: null, reason: 'not-in-teams' };
  try {
    const token = await Promise.race([authentication.getAuthToken(), after(TEAMS_TOKEN_TIMEOUT_MS, null)]);
    if (token === null) return { token: null, reason: 'timeout' };
    return token ? { token } : { token: null, reason: 'failed' };
  } catch (err) {
    return { token: null, reason: 'failed', message: errorMessage(err) };
  }
}
