import { useEffect, useRef, useState } from 'react';
import {
  Avatar,
  Badge,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  Radio,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Tag,
  TagGroup,
  Text,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { ArrowUploadRegular, DocumentTableRegular, PeopleSearchRegular, SearchRegular } from '@fluentui/react-icons';
import { listEmployees, type Employee, type EmployeeList } from '../../api/offboarding';
import { useDebounced } from '../../app/hooks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBar } from '../../components/ErrorBar';
import { LoadingState } from '../../components/LoadingState';
import { formatDate } from '../tenants/format';

export type PeopleMode = 'single' | 'bulk' | 'csv';

export interface CsvDraft {
  /** The file's name, or null when pasted. */
  fileName: string | null;
  text: string;
}

/**
 * The people of a CSV as the server reads it: a column named userPrincipalName, upn, email or mail,
 * else the first column; one row each (rows are what the server's errors count, from 1).
 */
export function csvUpns(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const cells = (line: string) => line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());
  const header = cells(lines[0]!).map((c) => c.toLowerCase().replace(/[^a-z]/g, ''));
  const column = header.findIndex((h) => ['userprincipalname', 'upn', 'email', 'mail'].includes(h));
  const rows = column >= 0 ? lines.slice(1) : lines;
  return rows.map((l) => cells(l)[column >= 0 ? column : 0] ?? '');
}

const SEARCH_LIMIT = 25;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  search: { maxWidth: '480px', width: '100%' },
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '760px' },
  row: { cursor: 'pointer' },
  pickCol: { width: '44px' },
  jobCol: { width: '190px' },
  managerCol: { width: '150px' },
  leavesCol: { width: '110px' },
  accountCol: { width: '170px' },
  person: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalS, minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  stack: { display: 'flex', flexDirection: 'column', rowGap: '2px', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  chosen: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  csv: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, maxWidth: '640px' },
  csvActions: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  hidden: { display: 'none' },
  badges: { display: 'flex', columnGap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

type Results = { status: 'loading' } | { status: 'ready'; list: EmployeeList } | { status: 'error'; error: unknown };

export interface PeopleStepProps {
  orgId: string;
  tenantId: string;
  tenantName: string;
  mode: PeopleMode;
  onMode: (mode: PeopleMode) => void;
  search: string;
  onSearch: (search: string) => void;
  selected: Employee[];
  onSelected: (selected: Employee[]) => void;
  csv: CsvDraft;
  onCsv: (csv: CsvDraft) => void;
}

/** Who is leaving: one person or several from a search of the synced directory, or a CSV of UPNs. */
export function PeopleStep(props: PeopleStepProps) {
  const styles = useStyles();
  const { mode, onMode } = props;
  return (
    <div className={styles.root}>
      <TabList selectedValue={mode} onTabSelect={(_, d) => onMode(d.value as PeopleMode)} aria-label="How to choose people">
        <Tab value="single" icon={<SearchRegular />} data-testid="people-mode-single">
          One person
        </Tab>
        <Tab value="bulk" icon={<PeopleSearchRegular />} data-testid="people-mode-bulk">
          Several people
        </Tab>
        <Tab value="csv" icon={<DocumentTableRegular />} data-testid="people-mode-csv">
          Upload CSV
        </Tab>
      </TabList>
      {mode === 'csv' ? <CsvInput {...props} /> : <PersonSearch {...props} />}
    </div>
  );
}

function PersonSearch({ orgId, tenantId, tenantName, mode, search, onSearch, selected, onSelected }: PeopleStepProps) {
  const styles = useStyles();
  const query = useDebounced(search.trim(), 300);
  const [results, setResults] = useState<Results>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const multi = mode === 'bulk';

  useEffect(() => {
    const controller = new AbortController();
    setResults((r) => (r.status === 'ready' ? r : { status: 'loading' }));
    listEmployees(orgId, { search: query, tenantRef: tenantId, limit: SEARCH_LIMIT }, { signal: controller.signal }).then(
      (list) => setResults({ status: 'ready', list: { ...list, employees: list.employees.filter((e) => e.tenantRef === tenantId) } }),
      (error: unknown) => {
        if (!controller.signal.aborted) setResults({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [orgId, tenantId, query, attempt]);

  const isSelected = (e: Employee) => selected.some((s) => s.id === e.id);
  const toggle = (e: Employee) => {
    if (!multi) onSelected([e]);
    else onSelected(isSelected(e) ? selected.filter((s) => s.id !== e.id) : [...selected, e]);
  };
  const shown = results.status === 'ready' ? results.list.employees : [];
  const allShown = shown.length > 0 && shown.every(isSelected);
  const someShown = shown.some(isSelected);
  const toggleAll = () =>
    onSelected(allShown ? selected.filter((s) => !shown.some((e) => e.id === s.id)) : [...selected, ...shown.filter((e) => !isSelected(e))]);
  const searching = query !== search.trim() || (results.status === 'loading' && shown.length === 0);

  return (
    <>
      <Field label={multi ? 'Find the people who are leaving' : 'Find the person who is leaving'} hint={`Name or user principal name, in ${tenantName}.`}>
        <Input
          value={search}
          onChange={(_, d) => onSearch(d.value)}
          placeholder="e.g. Ada or ada@contoso.com"
          contentBefore={<SearchRegular />}
          contentAfter={searching ? <Spinner size="extra-tiny" /> : undefined}
          className={styles.search}
          autoFocus
          data-testid="person-search"
        />
      </Field>

      {selected.length > 0 && (
        <div className={styles.chosen} data-testid="people-selected" data-count={selected.length}>
          <Caption1 className={styles.muted}>
            {selected.length === 1 ? '1 person chosen' : `${selected.length} people chosen`}
            {multi ? ' (they stay chosen while you search for others)' : ''}
          </Caption1>
          <TagGroup aria-label="Chosen people" onDismiss={(_, d) => onSelected(selected.filter((s) => s.id !== d.value))}>
            {selected.map((e) => (
              <Tag key={e.id} value={e.id} dismissible dismissIcon={{ 'aria-label': `Remove ${e.displayName}` }} media={<Avatar name={e.displayName} size={20} />}>
                {e.displayName}
              </Tag>
            ))}
          </TagGroup>
        </div>
      )}

      {results.status === 'error' && <ErrorBar title="Couldn't search the people" error={results.error} onRetry={() => setAttempt((n) => n + 1)} />}
      {results.status === 'loading' && <LoadingState label="Searching…" />}
      {results.status === 'ready' && shown.length === 0 && (
        <EmptyState icon={<PeopleSearchRegular />} title={query ? `Nobody matches “${query}”` : 'Nobody synced from this tenant yet'}>
          {query
            ? `Check the spelling, or search by user principal name. Only people synced from ${tenantName} are listed.`
            : `Offramp lists the people it has synced from ${tenantName}. If the tenant was connected a moment ago, its first sync may still be running.`}
        </EmptyState>
      )}
      {results.status === 'ready' && shown.length > 0 && (
        <div className={styles.tableWrap}>
          <Table aria-label="People found" className={styles.table} size="small" data-testid="person-results">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.pickCol}>
                  {multi && (
                    <Checkbox
                      checked={allShown ? true : someShown ? 'mixed' : false}
                      onChange={toggleAll}
                      aria-label="Choose everyone shown"
                      data-testid="person-select-all"
                    />
                  )}
                </TableHeaderCell>
                <TableHeaderCell>Person</TableHeaderCell>
                <TableHeaderCell className={styles.jobCol}>Job</TableHeaderCell>
                <TableHeaderCell className={styles.managerCol}>Manager</TableHeaderCell>
                <TableHeaderCell className={styles.leavesCol}>Leaves</TableHeaderCell>
                <TableHeaderCell className={styles.accountCol}>Account</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {shown.map((e) => {
                const on = isSelected(e);
                return (
                  <TableRow
                    key={e.id}
                    className={styles.row}
                    onClick={() => toggle(e)}
                    aria-selected={on}
                    appearance={on ? 'brand' : 'none'}
                    data-testid="person-row"
                    data-upn={e.userPrincipalName}
                    data-selected={on}
                  >
                    <TableCell onClick={(ev) => ev.stopPropagation()}>
                      {multi ? (
                        <Checkbox checked={on} onChange={() => toggle(e)} aria-label={`Choose ${e.displayName}`} />
                      ) : (
                        <Radio checked={on} name="person" value={e.id} onChange={() => toggle(e)} aria-label={`Choose ${e.displayName}`} />
                      )}
                    </TableCell>
                    <TableCell>
                      <span className={styles.person}>
                        <Avatar name={e.displayName} size={28} color="colorful" />
                        <span className={styles.stack}>
                          <Text weight="semibold" className={styles.ellipsis}>
                            {e.displayName}
                          </Text>
                          <Caption1 className={mergeClasses(styles.muted, styles.ellipsis)} title={e.userPrincipalName}>
                            {e.userPrincipalName}
                          </Caption1>
                        </span>
                      </span>
                    </TableCell>
                    <TableCell>
                      <span className={styles.stack}>
                        <Text size={200} className={styles.ellipsis}>
                          {e.jobTitle ?? '—'}
                        </Text>
                        {e.department && <Caption1 className={styles.muted}>{e.department}</Caption1>}
                      </span>
                    </TableCell>
                    <TableCell>
                      <Text size={200}>{e.managerName ?? <span className={styles.muted}>None</span>}</Text>
                    </TableCell>
                    <TableCell>
                      <Text size={200}>{e.leaveDate ? formatDate(e.leaveDate) : <span className={styles.muted}>—</span>}</Text>
                    </TableCell>
                    <TableCell>
                      <span className={styles.badges}>
                        {e.accountEnabled ? (
                          <Badge appearance="tint" color="success" size="small">
                            Enabled
                          </Badge>
                        ) : (
                          <Badge appearance="tint" color="subtle" size="small">
                            Sign-in blocked
                          </Badge>
                        )}
                        <Caption1 className={styles.muted}>
                          {e.licences.length} {e.licences.length === 1 ? 'licence' : 'licences'} · {e.devicesCount}{' '}
                          {e.devicesCount === 1 ? 'device' : 'devices'}
                        </Caption1>
                      </span>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          {results.list.total > shown.length && (
            <Caption1 className={styles.muted} data-testid="person-results-more">
              Showing {shown.length} of {results.list.total}: type more of the name to narrow the list.
            </Caption1>
          )}
        </div>
      )}
    </>
  );
}

function CsvInput({ csv, onCsv }: PeopleStepProps) {
  const styles = useStyles();
  const file = useRef<HTMLInputElement>(null);
  const [readError, setReadError] = useState<unknown>(null);
  const upns = csvUpns(csv.text).filter(Boolean);

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setReadError(null);
    if (f.size > 2 * 1024 * 1024) {
      setReadError(new Error(`${f.name} is larger than 2 MB: split it into smaller files.`));
      return;
    }
    try {
      onCsv({ fileName: f.name, text: await f.text() });
    } catch (err) {
      setReadError(err);
    }
  };

  return (
    <div className={styles.csv}>
      <Text>
        A CSV file with a <span className={styles.mono}>userPrincipalName</span> (or <span className={styles.mono}>email</span>) column, or
        one user principal name per line. Each row becomes its own offboarding; rows Offramp can't match are listed after you submit.
      </Text>
      <div className={styles.csvActions}>
        <input
          ref={file}
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          className={styles.hidden}
          onChange={(e) => {
            void onFile(e.target.files?.[0]);
            e.target.value = '';
          }}
          data-testid="csv-file"
        />
        <Button icon={<ArrowUploadRegular />} onClick={() => file.current?.click()} data-testid="csv-choose">
          Choose a CSV file
        </Button>
        {csv.fileName && <Caption1 className={styles.muted}>{csv.fileName}</Caption1>}
      </div>
      {readError !== null && <ErrorBar title="Couldn't read the file" error={readError} />}
      <Field
        label="Or paste the lines here"
        hint={upns.length > 0 ? `${upns.length} ${upns.length === 1 ? 'person' : 'people'} in the list.` : 'userPrincipalName\nada@contoso.com'}
      >
        <Textarea
          value={csv.text}
          onChange={(_, d) => onCsv({ fileName: null, text: d.value })}
          rows={8}
          resize="vertical"
          placeholder={'userPrincipalName\nada@contoso.com\ngrace@contoso.com'}
          textarea={{ className: styles.mono }}
          data-testid="csv-input"
        />
      </Field>
    </div>
  );
}
