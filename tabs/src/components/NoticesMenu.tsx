import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Caption1, CounterBadge, Popover, PopoverSurface, PopoverTrigger, Text, makeStyles, tokens } from '@fluentui/react-components';
import { AlertRegular } from '@fluentui/react-icons';
import { listMyNotices, type Notice } from '../api/notifications';
import { useOrg } from '../app/OrgProvider';
import { formatInstant } from '../app/runs';

const useStyles = makeStyles({
  trigger: { position: 'relative' },
  count: { position: 'absolute', top: '0', right: '0' },
  surface: { width: '340px', maxHeight: '420px', overflowY: 'auto', display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  notice: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: '2px',
    textAlign: 'start',
    padding: tokens.spacingVerticalS,
    borderRadius: tokens.borderRadiusMedium,
    border: 'none',
    backgroundColor: 'transparent',
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** How often the notices are read again while the page is open. */
const REFRESH_MS = 60_000;
const seenKey = (orgId: string) => `offramp.notices.seen.${orgId}`;

/** The bell in the header: notices addressed to the signed-in person in this organisation. */
export function NoticesMenu() {
  const styles = useStyles();
  const { current } = useOrg();
  const navigate = useNavigate();
  const orgId = current?.orgId ?? null;
  const [notices, setNotices] = useState<Notice[]>([]);
  const [seen, setSeen] = useState<string>('');
  useEffect(() => {
    if (!orgId) return;
    try {
      setSeen(window.localStorage.getItem(seenKey(orgId)) ?? '');
    } catch {
      setSeen('');
    }
    const controller = new AbortController();
    const load = () => listMyNotices(orgId, { signal: controller.signal }).then(setNotices, () => undefined);
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, [orgId]);
  if (!orgId) return null;
  const unseen = notices.filter((n) => n.createdAt > seen).length;
  const markSeen = () => {
    const latest = notices[0]?.createdAt ?? '';
    setSeen(latest);
    try {
      window.localStorage.setItem(seenKey(orgId), latest);
    } catch {
      /* storage blocked: the count comes back on reload */
    }
  };
  return (
    <Popover positioning="below-end" onOpenChange={(_, d) => d.open && markSeen()}>
      <PopoverTrigger disableButtonEnhancement>
        <Button appearance="subtle" icon={<AlertRegular />} aria-label={unseen ? `Notifications, ${unseen} new` : 'Notifications'} className={styles.trigger} data-testid="notices-button" data-unseen={unseen}>
          {unseen > 0 && <CounterBadge count={unseen} size="small" className={styles.count} />}
        </Button>
      </PopoverTrigger>
      <PopoverSurface className={styles.surface} data-testid="notices">
        {notices.length === 0 ? (
          <Text className={styles.muted}>Nothing for you yet. When someone you manage is offboarded, you hear of it here.</Text>
        ) : (
          notices.map((n) => (
            <button
              key={n.id}
              type="button"
              className={styles.notice}
              data-testid="notice"
              onClick={() => {
                if (!n.link) return;
                if (n.link.startsWith('/tabs/')) navigate(n.link.slice('/tabs'.length));
                else window.open(n.link, '_blank', 'noopener');
              }}
            >
              <Text weight="semibold">{n.title}</Text>
              <Text size={200}>{n.body}</Text>
              <Caption1 className={styles.muted}>{formatInstant(n.createdAt)}</Caption1>
            </button>
          ))
        )}
      </PopoverSurface>
    </Popover>
  );
}
