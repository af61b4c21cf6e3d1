import { Fragment, useCallback, useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Caption1,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, ArrowRedoRegular, ChevronDownRegular, ChevronRightRegular } from '@fluentui/react-icons';
import { TRIGGER_LABEL, listDeliveries, replayDelivery, type Delivery } from '../../api/integrations';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { attemptOk, attemptOutcome, deliveryStatusOf, formatMoment } from './format';

const useStyles = makeStyles({
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  head: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', columnGap: tokens.spacingHorizontalM, minHeight: '32px' },
  headText: { display: 'flex', alignItems: 'baseline', columnGap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '760px' },
  statusCol: { width: '104px' },
  timeCol: { width: '136px' },
  attemptsCol: { width: '76px' },
  actionsCol: { width: '184px' },
  nowrap: { whiteSpace: 'nowrap' },
  event: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  actions: { display: 'flex', columnGap: tokens.spacingHorizontalXS, justifyContent: 'flex-end' },
  num: { fontVariantNumeric: 'tabular-nums' },
  detailsCell: { backgroundColor: tokens.colorNeutralBackground2, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}` },
  details: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, minWidth: 0 },
  attempts: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  attempt: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS, minWidth: 0 },
  attemptLine: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: '2px' },
  good: { color: tokens.colorPaletteGreenForeground1, fontWeight: tokens.fontWeightSemibold },
  bad: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  response: {
    margin: 0,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: '140px',
    overflowY: 'auto',
  },
  empty: { color: tokens.colorNeutralForeground3, paddingBlock: tokens.spacingVerticalS },
});

type Load = { status: 'loading' } | { status: 'ready'; list: Delivery[] } | { status: 'error'; error: unknown };

function Attempts({ delivery }: { delivery: Delivery }) {
  const styles = useStyles();
  return (
    <div className={styles.details} data-testid="delivery-attempts">
      <Caption1 className={styles.muted}>
        webhook-id <span className={styles.mono}>{delivery.messageId}</span> (the same on every attempt and replay)
      </Caption1>
      {delivery.log.length === 0 ? (
        <Text className={styles.muted}>Not tried yet.</Text>
      ) : (
        <ol className={styles.attempts} aria-label="Attempts">
          {delivery.log.map((a) => (
            <li key={a.attempt} className={styles.attempt} data-testid="delivery-attempt" data-attempt={a.attempt} data-status={a.status ?? 'none'}>
              <div className={styles.attemptLine}>
                <Text weight="semibold">Attempt {a.attempt}</Text>
                <Caption1 className={styles.muted}>{formatMoment(a.at)}</Caption1>
                <Text className={attemptOk(a) ? styles.good : styles.bad} data-testid="delivery-attempt-outcome">
                  {attemptOutcome(a)}
                </Text>
                <Caption1 className={mergeClasses(styles.muted, styles.num)}>{a.latencyMs} ms</Caption1>
              </div>
              {a.response && (
                <pre className={styles.response} data-testid="delivery-attempt-response">
                  {a.response}
                </pre>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export interface DeliveryLogProps {
  orgId: string;
  ruleId: string;
  canManage: boolean;
  /** Bumped by the card when it sent something: the log is fetched again. */
  refreshKey: number;
}

/** A rule's deliveries, newest first, each opening to its attempts; finished ones can be sent again. */
export function DeliveryLog({ orgId, ruleId, canManage, refreshKey }: DeliveryLogProps) {
  const styles = useStyles();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [replaying, setReplaying] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    listDeliveries(orgId, ruleId, 50, { signal: controller.signal }).then(
      (list) => setLoad({ status: 'ready', list }),
      (err: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', error: err });
      },
    );
    return () => controller.abort();
  }, [orgId, ruleId, attempt, refreshKey]);

  const toggle = useCallback((id: string) => {
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const replay = async (d: Delivery) => {
    setReplaying(d.id);
    setError(null);
    try {
      const after = await replayDelivery(orgId, d.id);
      setLoad((l) => (l.status === 'ready' ? { status: 'ready', list: l.list.map((x) => (x.id === after.id ? after : x)) } : l));
      setOpen((s) => new Set(s).add(after.id));
    } catch (err) {
      setError(err);
    } finally {
      setReplaying(null);
    }
  };

  const list = load.status === 'ready' ? load.list : [];
  return (
    <section className={styles.panel} aria-label="Delivery log" data-testid="rule-log-panel" data-count={list.length}>
      <div className={styles.head}>
        <div className={styles.headText}>
          <Subtitle2 as="h3">Delivery log</Subtitle2>
          <Caption1 className={styles.muted}>Newest first, tests included</Caption1>
        </div>
        <Button size="small" appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={() => setAttempt((n) => n + 1)} data-testid="deliveries-refresh">
          Refresh
        </Button>
      </div>
      {error !== null && <ErrorBar title="Couldn't send it again" error={error} />}
      {load.status === 'loading' && <LoadingState label="Loading the deliveries…" />}
      {load.status === 'error' && <ErrorBar title="Couldn't load the deliveries" error={load.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {load.status === 'ready' && list.length === 0 && (
        <Text className={styles.empty} data-testid="deliveries-empty">
          Nothing sent yet. Each event this rule matches, and each test, is listed here with every attempt.
        </Text>
      )}
      {list.length > 0 && (
        <div className={styles.tableWrap}>
          <Table size="small" aria-label="Deliveries, newest first" className={styles.table} data-testid="deliveries-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.statusCol}>Status</TableHeaderCell>
                <TableHeaderCell>Event</TableHeaderCell>
                <TableHeaderCell className={styles.timeCol}>Created</TableHeaderCell>
                <TableHeaderCell className={styles.attemptsCol}>Attempts</TableHeaderCell>
                <TableHeaderCell className={styles.timeCol}>Next attempt</TableHeaderCell>
                <TableHeaderCell className={styles.actionsCol} aria-label="Actions" />
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((d) => {
                const look = deliveryStatusOf(d.status);
                const expanded = open.has(d.id);
                return (
                  <Fragment key={d.id}>
                    <TableRow data-testid="delivery-row" data-delivery-id={d.id} data-status={d.status} data-test={d.test} data-attempts={d.attempts}>
                      <TableCell>
                        <Badge appearance="tint" color={look.color} data-testid="delivery-status">
                          {look.label}
                        </Badge>
                      </TableCell>
                      <TableCell>
                        <span className={styles.event}>
                          <Text size={200}>{TRIGGER_LABEL[d.trigger] ?? d.trigger}</Text>
                          {d.test && (
                            <Badge appearance="outline" color="informative" size="small">
                              Test
                            </Badge>
                          )}
                        </span>
                      </TableCell>
                      <TableCell>
                        <Caption1 className={styles.nowrap}>{formatMoment(d.createdAt)}</Caption1>
                      </TableCell>
                      <TableCell>
                        <Text size={200} className={styles.num}>
                          {d.attempts}
                        </Text>
                      </TableCell>
                      <TableCell>
                        <Caption1 className={mergeClasses(styles.nowrap, !d.nextAttemptAt && styles.muted)}>{d.nextAttemptAt ? formatMoment(d.nextAttemptAt) : '—'}</Caption1>
                      </TableCell>
                      <TableCell>
                        <div className={styles.actions}>
                          <Button
                            size="small"
                            appearance="subtle"
                            icon={expanded ? <ChevronDownRegular /> : <ChevronRightRegular />}
                            aria-expanded={expanded}
                            onClick={() => toggle(d.id)}
                            data-testid="delivery-expand"
                          >
                            Attempts
                          </Button>
                          {canManage && d.status !== 'pending' && (
                            <Button
                              size="small"
                              icon={replaying === d.id ? <Spinner size="extra-tiny" /> : <ArrowRedoRegular />}
                              disabled={replaying !== null}
                              onClick={() => void replay(d)}
                              data-testid="delivery-replay"
                            >
                              Replay
                            </Button>
                          )}
                        </div>
                      </TableCell>
                    </TableRow>
                    {expanded && (
                      <TableRow data-testid="delivery-details" data-delivery-id={d.id}>
                        <TableCell colSpan={6} className={styles.detailsCell}>
                          <Attempts delivery={d} />
                        </TableCell>
                      </TableRow>
                    )}
                  </Fragment>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
