/** Downloads of files the API serves (CSV exports, PDF reports). */
import { ApiError, authHeaders, authTransport } from './client';

/** Whether a plain link carries the person's credentials (the cookie session does; a Teams token cannot). */
export const linksCarryAuth = () => authTransport() !== 'bearer';

/** Inside Teams the file needs the bearer token, which a plain link cannot send: fetch it, then save it. */
export async function downloadWithToken(url: string, filename: string): Promise<void> {
  const res = await fetch(url, { headers: authHeaders('GET'), credentials: 'same-origin' });
  if (!res.ok) {
    let message = `The download failed (HTTP ${res.status}).`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, 'download_failed', message);
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
