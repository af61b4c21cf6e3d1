import { useCallback, useEffect, useState } from 'react';
import {
  Avatar,
  Badge,
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  Input,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { DeleteRegular, EditRegular, MailClockRegular, PersonDeleteRegular } from '@fluentui/react-icons';
import {
  changeMemberRole,
  getOrg,
  listInvites,
  listMembers,
  removeMember,
  renameOrg,
  revokeInvite,
  type Member,
  type Org,
  type PendingInvite,
} from '../../api/orgs';
import { useCurrentOrg, useOrg } from '../../app/OrgProvider';
import { assignableRoles, roleLabel, type Role } from '../../app/permissions';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { Page } from '../../components/Page';
import { InviteDialog } from './InviteDialog';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusXLarge,
    boxShadow: tokens.shadow2,
  },
  sectionHead: { display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  scroll: { overflowX: 'auto' },
  table: { minWidth: '880px' },
  nowrap: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0 },
  noShrink: { flexShrink: 0 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  nameCell: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, minWidth: 0 },
  roleSelect: { minWidth: '130px', maxWidth: '160px' },
  actionsCol: { width: '120px' },
  roleCol: { width: '170px' },
  dateCol: { width: '130px' },
  orgRow: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalL, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  orgName: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS, flexGrow: 1 },
  emptyInvites: { color: tokens.colorNeutralForeground3, display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS },
});

const formatDate = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

type Data = { members: Member[]; invites: PendingInvite[] | null; org: Org | null };

function RenameOrgDialog({ org, onRenamed }: { org: { id: string; name: string }; onRenamed: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(org.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    if (!name.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await renameOrg(org.id, name.trim());
      setOpen(false);
      onRenamed();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(_, d) => {
        setOpen(d.open);
        setName(org.name);
        setError(null);
      }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button icon={<EditRegular />} data-testid="org-rename">
          Rename
        </Button>
      </DialogTrigger>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <DialogBody>
            <DialogTitle>Rename the organisation</DialogTitle>
            <DialogContent>
              {error !== null && <ErrorBar error={error} />}
              <Field label="Organisation name" required>
                <Input value={name} onChange={(_, d) => setName(d.value)} autoFocus data-testid="org-rename-input" />
              </Field>
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement>
                <Button>Cancel</Button>
              </DialogTrigger>
              <Button type="submit" appearance="primary" disabled={busy || !name.trim()} data-testid="org-rename-save">
                Save
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** /tabs/team: the organisation's members and roles, and its pending invitations. */
export function TeamPage() {
  const styles = useStyles();
  const current = useCurrentOrg();
  const { can, reload } = useOrg();
  const canInvite = can('members.invite');
  const canManage = can('members.manage');
  const isOwner = current.role === 'owner';
  const orgId = current.orgId;

  const [data, setData] = useState<Data | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busyRow, setBusyRow] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        const [members, invites, org] = await Promise.all([
          listMembers(orgId, { signal }),
          canInvite ? listInvites(orgId, { signal }) : Promise.resolve(null),
          getOrg(orgId, { signal }).catch(() => null),
        ]);
        setData({ members, invites, org });
        setLoadError(null);
      } catch (err) {
        if (signal?.aborted) return;
        setLoadError(err);
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [orgId, canInvite],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  /** Runs a change, then loads the team again (or, after leaving, only the person's organisations). */
  const act = async (key: string, action: () => Promise<unknown>, after?: () => Promise<unknown>, left = false) => {
    setBusyRow(key);
    setActionError(null);
    try {
      await action();
      await Promise.all([left ? undefined : load(), after?.()]);
    } catch (err) {
      setActionError(err);
    } finally {
      setBusyRow(null);
    }
  };

  const changeRole = (member: Member, role: Role) =>
    act(member.id, () => changeMemberRole(orgId, member.id, role), member.isYou ? () => reload() : undefined);

  const confirmRemove = async () => {
    const member = removing;
    if (!member) return;
    setRemoving(null);
    await act(member.id, () => removeMember(orgId, member.id), member.isYou ? () => reload() : undefined, member.isYou);
  };

  const members = data?.members ?? [];
  const owners = members.filter((m) => m.role === 'owner').length;

  return (
    <Page
      title="Team"
      description="Who in your organisation uses Offramp, and what each of them may do."
      actions={canInvite ? <InviteDialog orgId={orgId} orgName={current.orgName} actorRole={current.role} onCreated={() => void load()} /> : undefined}
    >
      {actionError !== null && <ErrorBar title="That didn't work" error={actionError} />}
      {loadError !== null && (
        <ErrorBar title="Couldn't load the team" error={loadError} onRetry={() => void load()} retrying={loading} />
      )}
      {!data && loading && <LoadingState label="Loading the team…" />}

      {data && (
        <>
          <section className={styles.section} aria-label="Organisation" data-testid="org-details">
            <div className={styles.orgRow}>
              <div className={styles.orgName}>
                <Subtitle2 as="h2" className={styles.heading} data-testid="org-name">
                  {data.org?.name ?? current.orgName}
                </Subtitle2>
                <Caption1 className={styles.muted}>
                  You are {roleLabel(current.role)}
                  {data.org?.createdAt ? ` · created ${formatDate(data.org.createdAt)}` : ''} · {members.length}{' '}
                  {members.length === 1 ? 'member' : 'members'}
                </Caption1>
              </div>
              {can('org.update') && (
                <RenameOrgDialog org={{ id: orgId, name: data.org?.name ?? current.orgName }} onRenamed={() => void Promise.all([load(), reload()])} />
              )}
            </div>
          </section>

          <section className={styles.section} aria-labelledby="members-heading">
            <div className={styles.sectionHead}>
              <Subtitle2 as="h2" id="members-heading" className={styles.heading}>
                Members
              </Subtitle2>
              {!canManage && <Caption1 className={styles.muted}>Only owners and admins can change roles.</Caption1>}
            </div>
            <div className={styles.scroll}>
              <Table aria-labelledby="members-heading" className={styles.table} data-testid="members-table">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Name</TableHeaderCell>
                    <TableHeaderCell>Email</TableHeaderCell>
                    <TableHeaderCell className={styles.roleCol}>Role</TableHeaderCell>
                    <TableHeaderCell className={styles.dateCol}>Joined</TableHeaderCell>
                    {canManage && (
                      <TableHeaderCell className={styles.actionsCol}>
                        <span className={styles.muted}>Actions</span>
                      </TableHeaderCell>
                    )}
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {members.map((m) => {
                    // Only owners may grant or take away Owner; the last owner stays (the server says why).
                    const editable = canManage && (isOwner || m.role !== 'owner');
                    const busy = busyRow === m.id;
                    const roles = assignableRoles(current.role);
                    return (
                      <TableRow key={m.id} data-testid={`member-row-${m.email}`} data-role={m.role}>
                        <TableCell>
                          <TableCellLayout>
                            <span className={styles.nameCell}>
                              <Avatar name={m.name} size={28} color="colorful" className={styles.noShrink} />
                              <Text weight={m.isYou ? 'semibold' : 'regular'} className={styles.nowrap}>
                                {m.name}
                              </Text>
                              {m.isYou && (
                                <Badge appearance="tint" color="brand" size="small" className={styles.noShrink} data-testid="member-you">
                                  You
                                </Badge>
                              )}
                            </span>
                          </TableCellLayout>
                        </TableCell>
                        <TableCell className={styles.ellipsis} title={m.email}>
                          {m.email}
                        </TableCell>
                        <TableCell>
                          {editable ? (
                            <span className={styles.nameCell}>
                              <Select
                                className={styles.roleSelect}
                                size="small"
                                value={m.role}
                                disabled={busy}
                                aria-label={`Role of ${m.name}`}
                                onChange={(_, d) => {
                                  if (d.value !== m.role) void changeRole(m, d.value as Role);
                                }}
                                data-testid={`member-role-${m.email}`}
                              >
                                {roles.map((r) => (
                                  <option key={r} value={r}>
                                    {roleLabel(r)}
                                  </option>
                                ))}
                              </Select>
                              {busy && <Spinner size="extra-tiny" />}
                            </span>
                          ) : (
                            <Badge appearance="outline" color={m.role === 'owner' ? 'brand' : 'informative'} data-testid={`member-role-label-${m.email}`}>
                              {roleLabel(m.role)}
                            </Badge>
                          )}
                        </TableCell>
                        <TableCell>{formatDate(m.joinedAt)}</TableCell>
                        {canManage && (
                          <TableCell>
                            {editable && (
                              <Button
                                size="small"
                                appearance="subtle"
                                icon={<PersonDeleteRegular />}
                                disabled={busy}
                                onClick={() => setRemoving(m)}
                                data-testid={`member-remove-${m.email}`}
                              >
                                {m.isYou ? 'Leave' : 'Remove'}
                              </Button>
                            )}
                          </TableCell>
                        )}
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </div>
            {canManage && owners === 1 && (
              <Caption1 className={styles.muted}>
                An organisation always keeps at least one owner: make someone else an owner before the last one steps down.
              </Caption1>
            )}
          </section>

          {data.invites && (
            <section className={styles.section} aria-labelledby="invites-heading">
              <div className={styles.sectionHead}>
                <Subtitle2 as="h2" id="invites-heading" className={styles.heading}>
                  Pending invitations
                </Subtitle2>
                <Caption1 className={styles.muted}>Links were shown once, when each invitation was created.</Caption1>
              </div>
              {data.invites.length === 0 ? (
                <Body1 className={styles.emptyInvites} data-testid="invites-empty">
                  <MailClockRegular /> No invitations waiting.
                </Body1>
              ) : (
                <div className={styles.scroll}>
                  <Table aria-labelledby="invites-heading" className={styles.table} data-testid="invites-table">
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>Email</TableHeaderCell>
                        <TableHeaderCell className={styles.roleCol}>Role</TableHeaderCell>
                        <TableHeaderCell>Invited by</TableHeaderCell>
                        <TableHeaderCell className={styles.dateCol}>Expires</TableHeaderCell>
                        <TableHeaderCell className={styles.actionsCol}>
                          <span className={styles.muted}>Actions</span>
                        </TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {data.invites.map((inv) => (
                        <TableRow key={inv.id} data-testid={`invite-row-${inv.email}`}>
                          <TableCell className={styles.ellipsis} title={inv.email}>
                            {inv.email}
                          </TableCell>
                          <TableCell>
                            <Badge appearance="outline" color="informative">
                              {roleLabel(inv.role)}
                            </Badge>
                          </TableCell>
                          <TableCell>
                            {inv.invitedBy}
                            <Caption1 className={styles.muted}> · {formatDate(inv.createdAt)}</Caption1>
                          </TableCell>
                          <TableCell>{formatDate(inv.expiresAt)}</TableCell>
                          <TableCell>
                            <Button
                              size="small"
                              appearance="subtle"
                              icon={busyRow === inv.id ? <Spinner size="extra-tiny" /> : <DeleteRegular />}
                              disabled={busyRow === inv.id}
                              onClick={() => void act(inv.id, () => revokeInvite(orgId, inv.id))}
                              data-testid={`invite-revoke-${inv.email}`}
                            >
                              Revoke
                            </Button>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
            </section>
          )}
        </>
      )}

      <Dialog open={removing !== null} onOpenChange={(_, d) => !d.open && setRemoving(null)}>
        <DialogSurface data-testid="member-remove-dialog">
          <DialogBody>
            <DialogTitle>{removing?.isYou ? `Leave ${current.orgName}?` : `Remove ${removing?.name ?? ''}?`}</DialogTitle>
            <DialogContent>
              {removing?.isYou
                ? `You will lose access to ${current.orgName} at once. Someone with the right to invite people can bring you back.`
                : `${removing?.name ?? 'They'} (${removing?.email ?? ''}) will lose access to ${current.orgName} at once. Their past actions stay in the audit log.`}
            </DialogContent>
            <DialogActions>
              <DialogTrigger disableButtonEnhancement>
                <Button data-testid="member-remove-cancel">Cancel</Button>
              </DialogTrigger>
              <Button appearance="primary" onClick={() => void confirmRemove()} data-testid="member-remove-confirm">
                {removing?.isYou ? 'Leave' : 'Remove'}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </Page>
  );
}
