import { useEffect, useState } from 'react';
import { Field, Input, Radio, RadioGroup, Select, Text, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import {
  HARDWARE_STATUS_LABEL,
  RETURN_CONDITIONS,
  RETURN_CONDITION_LABEL,
  RETURN_STATUSES,
  addHardware,
  addRequest,
  addSeat,
  assignHardware,
  listHardware,
  recoverHardware,
  updateRequest,
  hardwareLabel,
  type AssetRequestItem,
  type HardwareItem,
  type ReturnCondition,
  type ReturnStatus,
} from '../../api/assets';
import { ActionDialog } from '../../components/ActionDialog';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: '1fr 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
});

interface Base {
  open: boolean;
  onClose: () => void;
  orgId: string;
  onDone: () => void;
}

/** Records a device coming back: its condition, where it goes next, a note. */
export function RecoverDialog({ open, onClose, orgId, onDone, item, personName }: Base & { item: HardwareItem | null; personName: string }) {
  const [condition, setCondition] = useState<ReturnCondition>('good');
  const [next, setNext] = useState<ReturnStatus>('in_stock');
  const [note, setNote] = useState('');
  useEffect(() => {
    if (open) {
      setCondition('good');
      setNext('in_stock');
      setNote('');
    }
  }, [open]);
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`Record the return of ${item ? hardwareLabel(item) : ''}`}
      submitLabel="Record return"
      testId="recover"
      onSubmit={async () => {
        await recoverHardware(orgId, item!.id, { condition, nextStatus: next, note: note.trim() || undefined });
        onDone();
      }}
    >
      <Text>It leaves {personName}'s list and goes where you say.</Text>
      <Field label="Condition">
        <Select
          value={condition}
          onChange={(_, d) => {
            const c = d.value as ReturnCondition;
            setCondition(c);
            if (c === 'not_returned') setNext('lost');
            else if (c === 'damaged' || c === 'not_working') setNext('in_repair');
          }}
          data-testid="recover-condition"
        >
          {RETURN_CONDITIONS.map((c) => (
            <option key={c} value={c}>
              {RETURN_CONDITION_LABEL[c]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Goes to">
        <Select value={next} onChange={(_, d) => setNext(d.value as ReturnStatus)} data-testid="recover-next">
          {RETURN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {HARDWARE_STATUS_LABEL[s]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Note" hint="Optional: what came back with it, who brought it, a courier reference.">
        <Textarea value={note} onChange={(_, d) => setNote(d.value)} rows={2} maxLength={2000} data-testid="recover-note" />
      </Field>
    </ActionDialog>
  );
}

/** Gives the person hardware: a device from stock, or one not recorded yet. */
export function AssignHardwareDialog({ open, onClose, orgId, onDone, employeeId, personName }: Base & { employeeId: string; personName: string }) {
  const styles = useStyles();
  const [stock, setStock] = useState<HardwareItem[]>([]);
  const [choice, setChoice] = useState('new');
  const [form, setForm] = useState({ model: '', assetTag: '', serial: '', location: '' });
  useEffect(() => {
    if (!open) return;
    setChoice('new');
    setForm({ model: '', assetTag: '', serial: '', location: '' });
    const controller = new AbortController();
    listHardware(orgId, { status: 'in_stock', limit: 200 }, { signal: controller.signal }).then(setStock, () => setStock([]));
    return () => controller.abort();
  }, [open, orgId]);
  const set = (k: keyof typeof form) => (_: unknown, d: { value: string }) => setForm((f) => ({ ...f, [k]: d.value }));
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`Assign hardware to ${personName}`}
      submitLabel="Assign"
      testId="assign-hardware"
      canSubmit={choice !== 'new' || form.model.trim() !== ''}
      onSubmit={async () => {
        if (choice === 'new') {
          await addHardware(orgId, { model: form.model.trim(), assetTag: form.assetTag.trim() || undefined, serial: form.serial.trim() || undefined, location: form.location.trim() || undefined, assignedTo: employeeId });
        } else {
          await assignHardware(orgId, choice, employeeId);
        }
        onDone();
      }}
    >
      <Field label="Hardware">
        <Select value={choice} onChange={(_, d) => setChoice(d.value)} data-testid="assign-hardware-choice">
          <option value="new">Not recorded yet: enter it below</option>
          {stock.map((h) => (
            <option key={h.id} value={h.id}>
              {hardwareLabel(h)} (in stock{h.location ? `, ${h.location}` : ''})
            </option>
          ))}
        </Select>
      </Field>
      {choice === 'new' && (
        <div className={styles.grid}>
          <Field label="Model" required>
            <Input value={form.model} onChange={set('model')} placeholder='MacBook Air 13"' data-testid="assign-hardware-model" />
          </Field>
          <Field label="Asset tag">
            <Input value={form.assetTag} onChange={set('assetTag')} data-testid="assign-hardware-tag" />
          </Field>
          <Field label="Serial number">
            <Input value={form.serial} onChange={set('serial')} />
          </Field>
          <Field label="Location">
            <Input value={form.location} onChange={set('location')} />
          </Field>
        </div>
      )}
    </ActionDialog>
  );
}

/** A SaaS seat (not Microsoft 365: those come with the sync) held by the person. */
export function AddSeatDialog({ open, onClose, orgId, onDone, employeeId, personName }: Base & { employeeId: string; personName: string }) {
  const styles = useStyles();
  const [form, setForm] = useState({ product: '', vendor: '', cost: '', currency: 'USD' });
  useEffect(() => {
    if (open) setForm({ product: '', vendor: '', cost: '', currency: 'USD' });
  }, [open]);
  const set = (k: keyof typeof form) => (_: unknown, d: { value: string }) => setForm((f) => ({ ...f, [k]: d.value }));
  const cost = form.cost.trim() === '' ? null : Number(form.cost);
  const costOk = cost === null || (Number.isFinite(cost) && cost >= 0);
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`Add a seat held by ${personName}`}
      submitLabel="Add seat"
      testId="add-seat"
      canSubmit={form.product.trim() !== '' && form.vendor.trim() !== '' && costOk}
      onSubmit={async () => {
        await addSeat(orgId, { product: form.product.trim(), vendor: form.vendor.trim(), holderId: employeeId, costCents: cost === null ? null : Math.round(cost * 100), currency: form.currency.trim() || 'USD' });
        onDone();
      }}
    >
      <div className={styles.grid}>
        <Field label="Product" required>
          <Input value={form.product} onChange={set('product')} placeholder="Slack Business+" data-testid="add-seat-product" />
        </Field>
        <Field label="Vendor" required>
          <Input value={form.vendor} onChange={set('vendor')} placeholder="Slack" data-testid="add-seat-vendor" />
        </Field>
        <Field label="Cost per month" validationMessage={costOk ? undefined : 'An amount such as 12.50'}>
          <Input value={form.cost} onChange={set('cost')} inputMode="decimal" placeholder="12.50" />
        </Field>
        <Field label="Currency">
          <Input value={form.currency} onChange={set('currency')} maxLength={3} />
        </Field>
      </div>
    </ActionDialog>
  );
}

export function NewRequestDialog({ open, onClose, orgId, onDone, employeeId, personName }: Base & { employeeId: string; personName: string }) {
  const [what, setWhat] = useState('');
  useEffect(() => {
    if (open) setWhat('');
  }, [open]);
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`New request for ${personName}`}
      submitLabel="Add request"
      testId="new-request"
      canSubmit={what.trim() !== ''}
      onSubmit={async () => {
        await addRequest(orgId, { employeeId, what: what.trim() });
        onDone();
      }}
    >
      <Field label="What is needed" required>
        <Input value={what} onChange={(_, d) => setWhat(d.value)} maxLength={500} placeholder="Courier box for the laptop" data-testid="new-request-what" />
      </Field>
    </ActionDialog>
  );
}

const OUTCOMES = [
  { value: 'fulfilled', label: 'Fulfilled' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'cancelled', label: 'Cancelled' },
] as const;

/** Closes a request with its outcome and how it was resolved. */
export function CloseRequestDialog({ open, onClose, orgId, onDone, request }: Base & { request: AssetRequestItem | null }) {
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]['value']>('fulfilled');
  const [resolution, setResolution] = useState('');
  useEffect(() => {
    if (open) {
      setOutcome('fulfilled');
      setResolution('');
    }
  }, [open]);
  return (
    <ActionDialog
      open={open}
      onClose={onClose}
      title={`Close "${request?.what ?? ''}"`}
      submitLabel="Close request"
      testId="close-request"
      canSubmit={resolution.trim() !== ''}
      onSubmit={async () => {
        await updateRequest(orgId, request!.id, { status: outcome, resolution: resolution.trim() });
        onDone();
      }}
    >
      <RadioGroup value={outcome} onChange={(_, d) => setOutcome(d.value as typeof outcome)} layout="horizontal" aria-label="Outcome">
        {OUTCOMES.map((o) => (
          <Radio key={o.value} value={o.value} label={o.label} data-testid={`close-request-${o.value}`} />
        ))}
      </RadioGroup>
      <Field label="Resolution" required hint="What was done, for the record.">
        <Textarea value={resolution} onChange={(_, d) => setResolution(d.value)} rows={2} maxLength={2000} data-testid="close-request-resolution" />
      </Field>
    </ActionDialog>
  );
}
