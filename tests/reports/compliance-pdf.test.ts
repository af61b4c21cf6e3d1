import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Item, Run, RunStep, TaskId } from '../../server/offboarding/contract.js';
import { renderCompliancePdf, type ComplianceReportData } from '../../server/reports/compliance-pdf.js';

const run$ = promisify(execFile);

const PERSON_NAME = 'Łukasz Дмитрий 山田';
const AUDIT_HASH = '9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';
const FAILED_ERROR = 'Exchange Online refused the forwarding address: the recipient domain contoso-partner.example is not an accepted domain (ErrorCode 5.7.1).';
const SKIPPED_REASON = 'The person has no Intune-managed devices, so there was nothing to retire.';

function requestIds(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}-4b6c-4d2e-9f10-${String(1000 + i).padStart(12, '0')}`);
}

const groups: Item[] = Array.from({ length: 150 }, (_, i) => {
  const n = String(i + 1).padStart(3, '0');
  const team = ['Finance', 'Sales EMEA', 'Engineering', 'Warszawa office', 'Projekt Ласточка'][i % 5];
  return {
    id: `grp-${n}`,
    label: `${team} group ${n}`,
    detail: i % 3 === 0 ? `Microsoft 365 group · removed as member and owner · object id 0b1c2d3e-0000-4000-8000-000000000${n}` : `Security group · removed as member`,
  };
});

let seq = 0;
function step(task: TaskId, title: string, over: Partial<RunStep> = {}): RunStep {
  seq += 1;
  const start = new Date(Date.UTC(2025, 2, 14, 9, 30, 0) + seq * 7_000);
  return {
    id: `step-${seq}`,
    seq,
    phase: 'do',
    task,
    title,
    state: 'succeeded',
    attempts: 1,
    startedAt: start.toISOString(),
    finishedAt: new Date(start.getTime() + 1_850 + seq * 310).toISOString(),
    requestIds: requestIds(2, `a${seq}`),
    result: { summary: `${title}: done.`, items: [] },
    error: null,
    skippedReason: null,
    after: [],
    undo: { kind: 'full', how: 'Offramp reverses this from the recorded evidence.' },
    ...over,
  };
}

const doSteps: RunStep[] = [
  step('disable_sign_in', 'Block sign-in', { result: { summary: 'Sign-in blocked.', items: [{ id: 'acct', label: 'accountEnabled set to false' }] } }),
  step('revoke_sessions', 'Sign out of every session', {
    undo: { kind: 'none', how: 'Sessions that were ended cannot be restored; the person signs in again once unblocked.' },
    result: { summary: 'All refresh tokens revoked.', items: [{ id: 'rev', label: 'signInSessionsValidFromDateTime updated', detail: '2025-03-14T09:30:14Z' }] },
  }),
  step('reset_password', 'Reset the password', {
    undo: { kind: 'none', how: 'The old password is not kept; set a new one to restore access.' },
    result: { summary: 'A random password was set and is waiting to be revealed once.', items: [{ id: 'pw', label: 'Password replaced (32 characters)' }] },
  }),
  step('remove_mfa_methods', 'Remove authentication methods', {
    undo: { kind: 'partial', how: 'Phone numbers are restored; authenticator apps must be registered again.' },
    result: {
      summary: '3 methods removed.',
      items: [
        { id: 'm1', label: 'Microsoft Authenticator on Pixel 8', detail: 'microsoftAuthenticatorAuthenticationMethod' },
        { id: 'm2', label: 'Mobile phone +48 600 000 123', detail: 'phoneAuthenticationMethod' },
        { id: 'm3', label: 'FIDO2 key YubiKey 5C NFC', detail: 'fido2AuthenticationMethod' },
      ],
    },
  }),
  step('remove_groups', 'Remove from groups', {
    result: { summary: `Removed from ${groups.length} groups.`, items: groups },
    requestIds: requestIds(45, 'g'),
  }),
  step('remove_teams', 'Remove from Teams', { result: { summary: 'Removed from 2 teams.', items: [{ id: 't1', label: 'Team Ops Kraków' }, { id: 't2', label: 'Team 東京 Sales' }] } }),
  step('hide_from_address_list', 'Hide from the address list', { result: { summary: 'Hidden from the global address list.', items: [{ id: 'h', label: 'HiddenFromAddressListsEnabled set to true' }] } }),
  step('set_auto_reply', 'Set an automatic reply', {
    result: { summary: 'Automatic reply on, for internal and external senders.', items: [{ id: 'ar', label: 'Auto reply text', detail: 'Łukasz has left the company. Please write to finance@contoso.example.' }] },
  }),
  step('forward_mail', 'Forward mail to the manager', {
    state: 'failed',
    attempts: 3,
    result: null,
    error: FAILED_ERROR,
    requestIds: requestIds(3, 'f'),
  }),
  step('remove_licences', 'Remove licences', {
    result: { summary: '2 licences removed.', items: [{ id: 'l1', label: 'Microsoft 365 E3', detail: 'SPE_E3' }, { id: 'l2', label: 'Power BI Pro', detail: 'POWER_BI_PRO' }] },
  }),
  step('retire_devices', 'Retire managed devices', {
    state: 'skipped',
    attempts: 0,
    result: null,
    requestIds: [],
    startedAt: null,
    finishedAt: null,
    skippedReason: SKIPPED_REASON,
  }),
  step('notify_manager', 'Tell the manager', {
    undo: { kind: 'none', how: 'A sent message cannot be recalled.' },
    result: { summary: 'The manager was told in Teams.', items: [{ id: 'n', label: 'Message sent to Anna Kowalska', detail: 'anna.kowalska@contoso.example' }] },
  }),
];

const undoStep = step('remove_teams', 'Undo: add back to Teams', {
  phase: 'undo',
  result: { summary: 'Added back to 2 teams.', items: [{ id: 'u1', label: 'Team Ops Kraków restored' }, { id: 'u2', label: 'Team 東京 Sales restored' }] },
});

const person = {
  employeeId: 'E-10442',
  objectId: '3f0a9b1c-2d4e-4f60-8a7b-9c0d1e2f3a4b',
  userPrincipalName: 'lukasz.yamada@contoso.example',
  displayName: PERSON_NAME,
  mail: 'lukasz.yamada@contoso.example',
  jobTitle: 'Senior Accountant',
  department: 'Finance — Accounts Payable',
};

const run: Run = {
  id: '7c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5',
  state: 'partially_failed',
  tenant: { id: 'tenant-ref-1', displayName: 'Contoso Sp. z o.o.', defaultDomain: 'contoso.example' },
  person,
  when: { kind: 'at', at: '2025-03-14T09:30:00.000Z', timeZone: 'Europe/Warsaw' },
  scheduledAt: '2025-03-14T09:30:00.000Z',
  requestedBy: { memberId: 'm-1', name: 'Maria Nowak' },
  createdAt: '2025-03-13T16:02:11.000Z',
  startedAt: '2025-03-14T09:30:05.000Z',
  finishedAt: '2025-03-14T09:32:41.000Z',
  bulkId: null,
  counts: { total: 12, succeeded: 10, failed: 1, skipped: 1 },
  approvedBy: { memberId: 'm-2', name: 'Piotr Wiśniewski' },
  decidedAt: '2025-03-13T17:45:00.000Z',
  rejectionReason: null,
  cancelRequestedAt: null,
  undoneAt: '2025-03-15T08:00:00.000Z',
  steps: [...doSteps, undoStep],
  preview: {
    person,
    generatedAt: '2025-03-13T16:01:58.000Z',
    steps: [],
    warnings: ['The mailbox holds 48 GB; converting it to a shared mailbox needs an Exchange Online Plan 2 licence.'],
  },
  passwordWaiting: true,
  allowed: { approve: false, reject: false, reschedule: false, cancel: false, retry: true, undo: true, revealPassword: true },
};

const data: ComplianceReportData = {
  organisation: { id: 'org-1', name: 'Contoso Group' },
  tenant: { displayName: 'Contoso Sp. z o.o.', tenantId: '11111111-2222-4333-8444-555555555555', defaultDomain: 'contoso.example' },
  run,
  audit: { seq: 4217, hash: AUDIT_HASH },
  generatedAt: '2025-03-15T10:00:00.000Z',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offramp-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run$('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

/** The text with runs of spaces collapsed, so two-column layouts read as sentences. */
const flat = (text: string): string => text.replace(/[ \t]+/g, ' ');

describe('the compliance report of an offboarding run', () => {
  let pdf: Buffer;
  let text: string;
  beforeAll(async () => {
    pdf = await renderCompliancePdf(data);
    text = await pdfText(pdf, 'report');
  });

  it('is a PDF document of several numbered pages', async () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(text).toContain('Offboarding compliance report');
    expect(text).toContain('Page 1 of');
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it('names the organisation, the tenant and the person, in their own scripts', () => {
    for (const s of [data.organisation.name, data.tenant.displayName, data.tenant.defaultDomain, data.tenant.tenantId]) expect(text).toContain(s);
    for (const s of [PERSON_NAME, person.userPrincipalName, person.jobTitle, person.department]) expect(text).toContain(s);
  });

  it('embeds its fonts: DejaVu Sans, DejaVu Sans Mono, and a CJK font for 山田', async () => {
    const { stdout } = await run$('pdffonts', [path.join(dir, 'report.pdf')]);
    expect(stdout).toMatch(/\+DejaVuSans\s/);
    expect(stdout).toMatch(/\+DejaVuSans-Bold\s/);
    expect(stdout).toMatch(/\+DejaVuSansMono\s/);
    expect(stdout).toMatch(/\+DroidSansFallback/);
    // Every font is embedded (the "emb" column).
    for (const line of stdout.split('\n').slice(2).filter(Boolean)) expect(line).toMatch(/\byes\s+yes\s+yes\b/);
  });

  it('records who asked, who approved, when, and the warnings shown before the run', () => {
    const f = flat(text);
    expect(f).toContain('Maria Nowak');
    expect(f).toContain('Approved by Piotr Wiśniewski');
    expect(f).toContain('2025-03-13 17:45:00 UTC');
    expect(f).toContain('2025-03-14 09:32:41 UTC');
    expect(f).toContain('Partly failed');
    expect(f).toContain('needs an Exchange Online Plan 2 licence');
    expect(f).toContain('Generated 2025-03-15 10:00:00 UTC');
  });

  it('names every step and its evidence, including all 150 groups', () => {
    for (const s of doSteps) {
      expect(text).toContain(s.title);
      for (const item of s.result?.items ?? []) {
        expect(text).toContain(item.label);
      }
    }
    const groupLines = text.split('\n').filter((line) => / group \d{3}\b/.test(line));
    expect(new Set(groupLines.map((line) => / group (\d{3})\b/.exec(line)![1])).size).toBe(150);
  });

  it('shows the failed step with its error and retries, and the skipped step with its reason', () => {
    // Wrapped paragraphs read as one line again (a line may end at a hyphen).
    const f = flat(text)
      .replace(/-[ \t]*\n\s*/g, '-')
      .replace(/\s*\n\s*/g, ' ');
    expect(f).toContain(FAILED_ERROR);
    expect(f).toContain('3 (retried 2 times)');
    expect(f).toContain(SKIPPED_REASON);
  });

  it('lists at most 20 request ids per step and counts the rest', () => {
    const ids = doSteps[4]!.requestIds;
    expect(text).toContain(ids[19]!);
    expect(text).not.toContain(ids[20]!);
    expect(text).toContain('and 25 more');
  });

  it('gives the undo history and names the steps that cannot be undone', () => {
    const f = flat(text);
    expect(f).toContain('Undo history');
    expect(f).toContain('Undo: add back to Teams');
    expect(f).toContain('Team 東京 Sales restored');
    expect(f).toContain('A sent message cannot be recalled.');
    expect(f).toContain('The old password is not kept');
  });

  it('anchors the report to the audit chain with the full hash and how to verify it', () => {
    const f = flat(text);
    expect(f).toContain('Audit chain');
    expect(f).toContain('4217');
    expect(text).toContain(AUDIT_HASH);
    expect(f).toContain('Verify chain');
  });

  it('carries the document metadata: title, author, subject and the generation time', async () => {
    const { stdout } = await run$('pdfinfo', ['-isodates', path.join(dir, 'report.pdf')]);
    const info = Object.fromEntries(stdout.split('\n').map((line) => [line.split(':')[0], line.slice(line.indexOf(':') + 1).trim()]));
    expect(info.Title).toBe(`Offboarding compliance report: ${PERSON_NAME}`);
    expect(info.Author).toBe('Offramp');
    expect(info.Subject).toContain(run.id);
    expect(info.CreationDate).toBe('2025-03-15T10:00:00Z');
    expect(info['Page size']).toContain('(A4)');
  });

  it('renders the same data to the same document every time', async () => {
    const again = await renderCompliancePdf(data);
    expect(await pdfText(again, 'again')).toBe(text);
    expect(again.equals(pdf)).toBe(true);
  });

  it('says so when the run was not undone and there was no approval', async () => {
    const plain: ComplianceReportData = {
      ...data,
      run: { ...run, steps: doSteps, undoneAt: null, approvedBy: null, decidedAt: null, preview: null },
    };
    const f = flat(await pdfText(await renderCompliancePdf(plain), 'plain'));
    expect(f).toContain('This run was not undone.');
    expect(f).toContain('No approval required');
  });

  it('names the missing font file and the package to install when the fonts are absent', async () => {
    const missing = path.join(dir, 'no-fonts');
    await expect(renderCompliancePdf(data, { fontDir: missing })).rejects.toThrow(
      `${path.join(missing, 'DejaVuSans.ttf')}, which is missing: install Debian's fonts-dejavu-core`,
    );
  });
});
