import { useEffect, useState } from 'react';
import { Caption1, Field, Radio, RadioGroup, Text, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { ApiError } from '../../api/client';
import { importHardware, importSeats, type ImportResult } from '../../api/assets';
import { ActionDialog } from '../../components/ActionDialog';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  errors: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, color: tokens.colorPaletteRedForeground1 },
});

const EXAMPLES = {
  hardware: 'asset_tag,serial,model,manufacturer,location,assigned_to\nLAP-2001,C02XK1,MacBook Air 13",Apple,London,adele@contoso.com',
  seats: 'product,vendor,holder,cost,currency\nSlack Business+,Slack,adele@contoso.com,12.50,USD',
};

/** Hardware or seats from a CSV file (or pasted text); a file with a bad line is refused whole, naming each line. */
export function ImportDialog({ open, onClose, orgId, onImported }: { open: boolean; onClose: () => void; orgId: string; onImported: (what: string, r: ImportResult) => void }) {
  const styles = useStyles();
  const [kind, setKind] = useState<'hardware' | 'seats'>('hardware');
  const [csv, setCsv] = useState('');
  const [lineErrors, setLineErrors] = useState<{ line: number; message: string }[]>([]);
  useEffect(() => {
    if (open) {
      setCsv('');
      setLineErrors([]);
    }
  }, [open]);
  const submit = async () => {
    setLineErrors([]);
    try {
      const r = await (kind === 'hardware' ? importHardware(orgId, csv) : importSeats(orgId, csv));
      onImported(kind, r);
    } catch (err) {
      const details = err instanceof ApiError ? (err.details as { errors?: { line: number; message: string }[] } | undefined) : undefined;
      if (details?.errors) setLineErrors(details.errors);
      throw err;
    }
  };
  return (
    <ActionDialog open={open} onClose={onClose} title="Import assets from CSV" submitLabel="Import" onSubmit={submit} canSubmit={csv.trim() !== ''} testId="import">
      <RadioGroup value={kind} onChange={(_, d) => setKind(d.value as 'hardware' | 'seats')} layout="horizontal" aria-label="What the file holds">
        <Radio value="hardware" label="Hardware" data-testid="import-kind-hardware" />
        <Radio value="seats" label="Software seats" data-testid="import-kind-seats" />
      </RadioGroup>
      <Field label="CSV file">
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setCsv);
          }}
        />
      </Field>
      <Field label="Or paste the lines" hint="A header row first. Columns may be in any order; people by UPN or email.">
        <Textarea value={csv} onChange={(_, d) => setCsv(d.value)} rows={6} resize="vertical" className={styles.mono} placeholder={EXAMPLES[kind]} data-testid="import-text" />
      </Field>
      <Caption1>
        Example: <span className={styles.mono}>{EXAMPLES[kind].split('\n')[0]}</span>
      </Caption1>
      {lineErrors.length > 0 && (
        <div data-testid="import-errors">
          <Text weight="semibold">Fix these lines; nothing was imported:</Text>
          <ul className={styles.errors}>
            {lineErrors.slice(0, 20).map((e) => (
              <li key={e.line} data-testid="import-error" data-line={e.line}>
                Line {e.line}: {e.message}
              </li>
            ))}
            {lineErrors.length > 20 && <li>…and {lineErrors.length - 20} more</li>}
          </ul>
        </div>
      )}
    </ActionDialog>
  );
}
