/**
 * The compliance report of one offboarding run, as a PDF (A4): who was offboarded, who asked
 * and who approved, every step with its evidence, the undo history and the audit-chain entry
 * that anchors the report. Pure: it draws what it is given (no database, no HTTP, no clock).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { RUN_STATE_LABEL, STEP_STATE_LABEL, type Actor, type Item, type Run, type RunState, type RunStep, type StepState } from '../offboarding/contract.js';

export interface ComplianceReportData {
  organisation: { id: string; name: string };
  tenant: { displayName: string; tenantId: string; defaultDomain: string };
  run: Run;
  /** The audit-chain entry of the run's last audit event. */
  audit: { seq: number; hash: string } | null;
  /** ISO time the report was generated. */
  generatedAt: string;
}

/** Where Debian's fonts-dejavu-core puts the fonts the report embeds. */
export const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', mono: 'DejaVuSansMono.ttf' } as const;
type FontName = keyof typeof FONT_FILES;

/**
 * DejaVu has no Chinese, Japanese or Korean glyphs. Text in those scripts is drawn with Debian's
 * fonts-droid-fallback when it is installed; without it, those characters cannot be drawn.
 */
export const CJK_FONT = '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf';
const CJK_CHARS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\u31f0-\u31ff\uff00-\uffef]+/gu;
/** DejaVu's ascender (1901/2048 em, the same in all three faces): CJK runs sit on its baseline. */
const DEJAVU_ASCENDER = 1901 / 2048;

/** Request ids listed per step before the rest are only counted. */
const REQUEST_ID_CAP = 20;

export interface RenderOptions {
  /** The folder holding the DejaVu fonts (tests point it elsewhere). */
  fontDir?: string;
  /** The font for Chinese, Japanese and Korean text; null draws none. */
  cjkFont?: string | null;
}

export function renderCompliancePdf(data: ComplianceReportData, options: RenderOptions = {}): Promise<Buffer> {
  let fonts: Record<FontName, Buffer>;
  try {
    fonts = loadFonts(options.fontDir ?? FONT_DIR);
  } catch (error) {
    return Promise.reject(error);
  }
  const cjkPath = options.cjkFont === undefined ? CJK_FONT : options.cjkFont;
  const cjk = cjkPath && existsSync(cjkPath) ? readFileSync(cjkPath) : null;
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      bufferPages: true,
      autoFirstPage: false,
      margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.side, right: PAGE.side },
      info: {
        Title: `Offboarding compliance report: ${data.run.person.displayName}`,
        Author: 'Offramp',
        Creator: 'Offramp',
        Subject: `Offboarding run ${data.run.id} for ${data.run.person.userPrincipalName} in ${data.tenant.displayName} (${data.organisation.name})`,
        Keywords: 'offboarding, compliance, audit, Microsoft 365',
        CreationDate: parseDate(data.generatedAt) ?? new Date(0),
      },
      lang: 'en',
      displayTitle: true,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      for (const [name, bytes] of Object.entries(fonts)) doc.registerFont(name, bytes);
      if (cjk) doc.registerFont('cjk', cjk);
      new ReportWriter(doc, data, cjk !== null).write();
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

function loadFonts(dir: string): Record<FontName, Buffer> {
  const out = {} as Record<FontName, Buffer>;
  for (const [name, file] of Object.entries(FONT_FILES) as [FontName, string][]) {
    const full = path.join(dir, file);
    if (!existsSync(full)) {
      throw new Error(
        `The compliance report needs the font ${full}, which is missing: install Debian's fonts-dejavu-core package (apt-get install fonts-dejavu-core).`,
      );
    }
    out[name] = readFileSync(full);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Layout

const PAGE = { width: 595.28, height: 841.89, side: 50, top: 74, bottom: 66 } as const;
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.side;
const LEFT = PAGE.side;
const BOTTOM = PAGE.height - PAGE.bottom;
const LINE_GAP = 1.5;

const COLOUR = {
  ink: '#1f2933',
  muted: '#52606d',
  faint: '#7b8794',
  rule: '#d9e2ec',
  shade: '#f4f6f9',
  band: '#e9eef5',
  accent: '#1d4ed8',
  errorInk: '#9b1c1c',
  errorBg: '#fdf0f0',
  noteBg: '#fff8e6',
  noteInk: '#7a4d00',
} as const;

const STATE_COLOUR: Record<StepState | RunState, string> = {
  succeeded: '#15803d',
  failed: '#b91c1c',
  partially_failed: '#c2410c',
  skipped: '#6b7280',
  cancelled: '#92400e',
  rejected: '#b91c1c',
  pending: '#1d4ed8',
  running: '#1d4ed8',
  awaiting_approval: '#7c3aed',
  scheduled: '#1d4ed8',
  undoing: '#0e7490',
  undone: '#0e7490',
  partially_undone: '#c2410c',
};

interface TextStyle {
  font: FontName;
  size: number;
  colour: string;
}
const STYLE = {
  body: { font: 'regular', size: 9, colour: COLOUR.ink },
  label: { font: 'regular', size: 8.5, colour: COLOUR.muted },
  strong: { font: 'bold', size: 9, colour: COLOUR.ink },
  small: { font: 'regular', size: 7.5, colour: COLOUR.muted },
  mono: { font: 'mono', size: 8.5, colour: COLOUR.ink },
  monoSmall: { font: 'mono', size: 6.5, colour: COLOUR.muted },
  section: { font: 'bold', size: 13, colour: COLOUR.ink },
  subsection: { font: 'bold', size: 9.5, colour: COLOUR.ink },
  stepTitle: { font: 'bold', size: 10.5, colour: COLOUR.ink },
} as const satisfies Record<string, TextStyle>;

class ReportWriter {
  private y: number = PAGE.top;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly data: ComplianceReportData,
    private readonly hasCjkFont: boolean,
  ) {}

  write(): void {
    const { run } = this.data;
    this.newPage();
    this.titleBlock();
    this.overview();
    this.personSection();
    this.requestSection();
    this.timelineSection();
    this.warningsSection();

    const doSteps = stepsOf(run, 'do');
    this.section('Steps');
    this.paragraph(doSteps.length === 0 ? 'The run has no steps.' : stepCountsSentence(doSteps), STYLE.body);
    this.gap(6);
    doSteps.forEach((step, i) => this.step(step, i + 1, doSteps.length));

    this.undoSection(doSteps);
    this.auditSection();
    this.decoratePages();
  }

  // -- sections --------------------------------------------------------------------------------

  private titleBlock(): void {
    const { doc, data } = this;
    const { run } = data;
    this.y = 44;
    this.draw('OFFRAMP', LEFT, this.y, { font: 'bold', size: 8, colour: COLOUR.accent }, { characterSpacing: 1.5 });
    this.draw(`Generated ${formatTime(data.generatedAt)}`, LEFT, this.y, STYLE.small, { width: CONTENT_WIDTH, align: 'right' });
    this.y += 16;
    this.draw('Offboarding compliance report', LEFT, this.y, { font: 'bold', size: 21, colour: COLOUR.ink });
    this.y += 30;
    const subtitle = `${run.person.displayName} · ${data.tenant.displayName} · ${data.organisation.name}`;
    this.y += this.drawWrapped(subtitle, LEFT, this.y, CONTENT_WIDTH, { font: 'regular', size: 11, colour: COLOUR.muted });
    this.y += 10;

    // The key facts, in a shaded band: person, state, run id, finished.
    const facts: [string, string, TextStyle][] = [
      ['Person', run.person.displayName, STYLE.strong],
      ['Run state', stateLabel(run.state), { ...STYLE.strong, colour: STATE_COLOUR[run.state] }],
      ['Finished', run.finishedAt ? formatTime(run.finishedAt) : 'Not finished', STYLE.body],
      ['Run id', run.id, { ...STYLE.mono, size: 7.5 }],
    ];
    const colWidth = (CONTENT_WIDTH - 24) / 2;
    const cells = facts.map(([label, value, style]) => ({ label, value, style, h: 13 + this.measure(value, style, colWidth) }));
    const rowH = [Math.max(cells[0]!.h, cells[1]!.h), Math.max(cells[2]!.h, cells[3]!.h)];
    const bandH = 12 + rowH[0]! + 8 + rowH[1]! + 10;
    doc.save().roundedRect(LEFT, this.y, CONTENT_WIDTH, bandH, 4).fill(COLOUR.band).restore();
    doc.save().rect(LEFT, this.y, 3, bandH).fill(COLOUR.accent).restore();
    let cy = this.y + 12;
    for (let row = 0; row < 2; row++) {
      for (let col = 0; col < 2; col++) {
        const cell = cells[row * 2 + col]!;
        const x = LEFT + 14 + col * (colWidth + 10);
        this.draw(cell.label.toUpperCase(), x, cy, { font: 'bold', size: 6.5, colour: COLOUR.muted }, { characterSpacing: 0.6 });
        this.drawWrapped(cell.value, x, cy + 11, colWidth, cell.style);
      }
      cy += rowH[row]! + 8;
    }
    this.y += bandH + 18;
  }

  private overview(): void {
    const { data } = this;
    this.section('Organisation and tenant');
    this.keyValues([
      ['Organisation', data.organisation.name],
      ['Tenant', data.tenant.displayName],
      ['Default domain', data.tenant.defaultDomain],
      ['Tenant id', data.tenant.tenantId, 'mono'],
    ]);
  }

  private personSection(): void {
    const p = this.data.run.person;
    this.section('Person offboarded');
    this.keyValues([
      ['Name', p.displayName],
      ['User principal name', p.userPrincipalName],
      ['Mail', p.mail ?? 'None'],
      ['Job title', p.jobTitle ?? 'Not recorded'],
      ['Department', p.department ?? 'Not recorded'],
      ['Employee id', p.employeeId || 'Not recorded'],
      ['Entra object id', p.objectId, 'mono'],
    ]);
  }

  private requestSection(): void {
    const { run } = this.data;
    this.section('Request and approval');
    const rows: KeyValue[] = [
      ['Run id', run.id, 'mono'],
      ['State', stateLabel(run.state)],
      ['Requested by', actorLabel(run.requestedBy)],
      ['Approval', approvalLabel(run)],
      ['Decided', run.decidedAt ? formatTime(run.decidedAt) : run.approvedBy || run.rejectionReason ? 'Not recorded' : 'No decision was needed'],
    ];
    if (run.rejectionReason) rows.push(['Rejection reason', run.rejectionReason]);
    if (run.cancelRequestedAt) rows.push(['Cancellation requested', formatTime(run.cancelRequestedAt)]);
    if (run.bulkId) rows.push(['Bulk request', run.bulkId, 'mono']);
    this.keyValues(rows);
  }

  private timelineSection(): void {
    const { run } = this.data;
    this.section('Timeline (UTC)');
    const rows: KeyValue[] = [
      ['Created', formatTime(run.createdAt)],
      ['Requested to run', run.when.kind === 'now' ? 'Immediately' : `${formatTime(run.when.at)} (chosen in ${run.when.timeZone})`],
      ['Scheduled', optionalTime(run.scheduledAt, 'Not scheduled')],
      ['Started', optionalTime(run.startedAt, 'Not started')],
      ['Finished', optionalTime(run.finishedAt, 'Not finished')],
    ];
    const duration = formatDuration(run.startedAt, run.finishedAt);
    if (duration) rows.push(['Run duration', duration]);
    if (run.undoneAt) rows.push(['Undone', formatTime(run.undoneAt)]);
    this.keyValues(rows);
  }

  private warningsSection(): void {
    const preview = this.data.run.preview;
    if (!preview) return;
    const warnings: string[] = [...preview.warnings];
    for (const s of preview.steps) {
      for (const w of s.warnings) warnings.push(`${s.title}: ${w}`);
      if (s.blocked) warnings.push(`${s.title}: blocked: ${s.blocked}`);
    }
    if (warnings.length === 0) return;
    this.section('Warnings shown before the run');
    this.paragraph(`The preview of ${formatTime(preview.generatedAt)} warned:`, STYLE.label);
    this.gap(3);
    for (const w of warnings) this.bullet(w);
  }

  private undoSection(doSteps: RunStep[]): void {
    const { run } = this.data;
    const undoSteps = stepsOf(run, 'undo');
    this.section('Undo history');
    if (undoSteps.length === 0) {
      this.paragraph('This run was not undone.', STYLE.body);
    } else {
      const when = run.undoneAt ? ` It was undone at ${formatTime(run.undoneAt)}.` : '';
      this.paragraph(`${stepCountsSentence(undoSteps, 'undo step')}${when}`, STYLE.body);
      this.gap(6);
      undoSteps.forEach((step, i) => this.step(step, i + 1, undoSteps.length));
    }
    if (doSteps.length === 0) return;
    const notUndoable = doSteps.filter((s) => s.undo.kind === 'none');
    this.gap(6);
    this.subheading('Steps that cannot be undone');
    if (notUndoable.length === 0) {
      this.paragraph('Every step of this run can be undone, fully or in part.', STYLE.body);
    } else {
      this.keyValues(notUndoable.map((s) => [s.title, `Not undoable. ${s.undo.how}`] satisfies KeyValue));
    }
  }

  private auditSection(): void {
    const { audit, organisation } = this.data;
    this.section('Audit chain');
    if (!audit) {
      this.note('No audit-chain entry was found for this run, so this report is not anchored to the audit log.');
    } else {
      this.keyValues([
        ['Entry (sequence number)', String(audit.seq)],
        ['SHA-256 hash', audit.hash, 'mono'],
      ]);
    }
    this.gap(4);
    this.paragraph(
      `Every audit event of ${organisation.name} carries the SHA-256 hash of the one before it, so no event can be changed or removed without breaking the chain. ` +
        `To verify this report, open the organisation's audit log in Offramp (Audit page → Verify chain): the check must pass` +
        (audit ? `, and entry ${audit.seq} must carry exactly the hash printed above.` : '.') +
        ' A failed check, or a different hash, means the log no longer matches what this report records.',
      STYLE.body,
    );
  }

  // -- one step --------------------------------------------------------------------------------

  private step(step: RunStep, ordinal: number, total: number): void {
    const { doc } = this;
    // Keep the step's header with its first rows.
    this.ensure(90);
    const headerH = this.stepHeader(step, ordinal, total);
    this.y += headerH + 4;

    this.factGrid([
      { label: 'State', value: stateLabel(step.state), style: { ...STYLE.strong, colour: STATE_COLOUR[step.state] }, width: 78 },
      { label: 'Attempts', value: attemptsLabel(step.attempts), width: 118 },
      { label: 'Started (UTC)', value: step.startedAt ? formatTime(step.startedAt, false) : 'Not started', width: 108 },
      { label: 'Finished (UTC)', value: step.finishedAt ? formatTime(step.finishedAt, false) : 'Not finished', width: 108 },
      { label: 'Duration', value: formatDuration(step.startedAt, step.finishedAt) ?? '—', width: 67 },
    ]);
    const rows: KeyValue[] = [];
    if (step.result) rows.push(['Result', step.result.summary]);
    if (step.phase === 'do') rows.push(['Undo', `${undoKindLabel(step.undo.kind)}. ${step.undo.how}`]);
    this.keyValues(rows, { indent: 8, labelWidth: 70 });

    if (step.state === 'failed' || step.error) {
      this.gap(2);
      this.note(`Error: ${step.error ?? 'The step failed without an error message.'}`, 'error');
    }
    if (step.state === 'skipped' || step.skippedReason) {
      this.gap(2);
      this.note(`Skipped: ${step.skippedReason ?? 'No reason was recorded.'}`);
    }

    const items = step.result?.items ?? [];
    if (items.length > 0) {
      this.gap(4);
      this.evidence(step, items);
    }
    if (step.requestIds.length > 0) {
      this.gap(4);
      this.requestIds(step.requestIds);
    }
    this.gap(8);
    doc.save().moveTo(LEFT, this.y).lineTo(LEFT + CONTENT_WIDTH, this.y).lineWidth(0.5).stroke(COLOUR.rule).restore();
    this.gap(10);
  }

  private stepHeader(step: RunStep, ordinal: number, total: number, continued = false): number {
    const { doc } = this;
    const badge = stateLabel(step.state);
    const badgeStyle: TextStyle = { font: 'bold', size: 7.5, colour: '#ffffff' };
    this.useFont(badgeStyle);
    const badgeW = doc.widthOfString(badge) + 12;
    const titleW = CONTENT_WIDTH - badgeW - 24;
    const title = `${ordinal}. ${step.title}${continued ? ' (continued)' : ''}`;
    const titleH = this.measure(title, STYLE.stepTitle, titleW);
    const h = Math.max(titleH, 12) + 18;
    doc.save().roundedRect(LEFT, this.y, CONTENT_WIDTH, h, 3).fill(COLOUR.shade).restore();
    this.drawWrapped(title, LEFT + 8, this.y + 5, titleW, STYLE.stepTitle);
    this.draw(`${step.phase === 'undo' ? 'Undo step' : 'Step'} ${ordinal} of ${total} · ${step.task}`, LEFT + 8, this.y + 6 + titleH, {
      ...STYLE.monoSmall,
      size: 6.5,
    });
    const bx = LEFT + CONTENT_WIDTH - badgeW - 8;
    const by = this.y + 6;
    doc.save().roundedRect(bx, by, badgeW, 13, 6.5).fill(STATE_COLOUR[step.state]).restore();
    this.draw(badge, bx, by + 3, badgeStyle, { width: badgeW, align: 'center' });
    return h;
  }

  /** Every evidence item, as a numbered table that carries its header over page breaks. */
  private evidence(step: RunStep, items: Item[]): void {
    const x0 = LEFT + 8;
    const width = CONTENT_WIDTH - 8;
    const noW = 28;
    // The item column is as wide as its longest label needs, within limits; details get the rest.
    this.useFont(STYLE.body);
    const longest = Math.max(...items.map((i) => this.widthOf(i.label, STYLE.body)));
    const labelW = Math.min(260, Math.max(140, Math.ceil(longest) + 12));
    const detailW = width - noW - labelW - 8;
    const anyDetail = items.some((i) => i.detail);
    const header = (continued: boolean): void => {
      this.subheading(`Evidence${continued ? `, continued: ${step.title}` : ''} (${items.length} ${items.length === 1 ? 'item' : 'items'})`, 8);
      const y = this.y;
      const headStyle: TextStyle = { font: 'bold', size: 6.5, colour: COLOUR.muted };
      this.draw('NO.', x0 + 4, y, headStyle, { characterSpacing: 0.5 });
      this.draw('ITEM', x0 + noW, y, headStyle, { characterSpacing: 0.5 });
      if (anyDetail) this.draw('DETAIL', x0 + noW + labelW + 8, y, headStyle, { characterSpacing: 0.5 });
      this.y += 10;
      this.doc.save().moveTo(x0, this.y).lineTo(x0 + width, this.y).lineWidth(0.6).stroke(COLOUR.rule).restore();
      this.y += 1;
    };
    const rowHeight = (item: Item): number => {
      const lw = anyDetail ? labelW : width - noW - 4;
      return Math.max(this.measure(item.label, STYLE.body, lw), item.detail ? this.measure(item.detail, STYLE.label, detailW) : 0) + 5;
    };
    // The heading comes with at least its first rows.
    this.ensure(38 + items.slice(0, 3).reduce((h, item) => h + rowHeight(item), 0));
    header(false);
    items.forEach((item, i) => {
      const lw = anyDetail ? labelW : width - noW - 4;
      const h = rowHeight(item);
      if (h > BOTTOM - PAGE.top - 60) {
        // An item taller than a page: its label as a row, then its detail flowing over pages.
        const labelH = this.measure(item.label, STYLE.body, width - noW - 4) + 5;
        if (this.y + labelH + 20 > BOTTOM) {
          this.newPage();
          header(true);
        }
        this.draw(String(i + 1), x0 + 4, this.y + 3, STYLE.small);
        this.drawWrapped(item.label, x0 + noW, this.y + 2.5, width - noW - 4, STYLE.body);
        this.y += labelH;
        this.paragraph(item.detail ?? '', STYLE.label, 8 + noW);
        this.gap(4);
        return;
      }
      if (this.y + h > BOTTOM) {
        this.newPage();
        header(true);
      }
      if (i % 2 === 1) this.doc.save().rect(x0, this.y, width, h).fill(COLOUR.shade).restore();
      this.draw(String(i + 1), x0 + 4, this.y + 3, STYLE.small);
      this.drawWrapped(item.label, x0 + noW, this.y + 2.5, lw, STYLE.body);
      if (item.detail) this.drawWrapped(item.detail, x0 + noW + labelW + 8, this.y + 2.5, detailW, STYLE.label);
      this.y += h;
    });
  }

  private requestIds(ids: string[]): void {
    const shown = ids.slice(0, REQUEST_ID_CAP);
    this.ensure(30);
    this.subheading(`Microsoft request ids (${ids.length})`, 8);
    const cols = 3;
    const colW = (CONTENT_WIDTH - 8) / cols;
    const lineH = 9;
    for (let i = 0; i < shown.length; i += cols) {
      this.ensure(lineH);
      shown.slice(i, i + cols).forEach((id, c) => {
        this.draw(id, LEFT + 8 + c * colW, this.y, STYLE.monoSmall, { width: colW - 6 });
      });
      this.y += lineH;
    }
    if (ids.length > shown.length) {
      this.gap(1);
      this.paragraph(`and ${ids.length - shown.length} more`, STYLE.small, 8);
    }
  }

  // -- building blocks -------------------------------------------------------------------------

  private section(title: string): void {
    // A heading never ends a page: keep it with the first lines below it.
    this.ensure(70);
    if (this.y > PAGE.top + 1) this.gap(10);
    this.draw(title, LEFT, this.y, STYLE.section);
    this.y += 18;
    this.doc.save().moveTo(LEFT, this.y).lineTo(LEFT + CONTENT_WIDTH, this.y).lineWidth(1).stroke(COLOUR.accent).restore();
    this.y += 7;
  }

  private subheading(title: string, indent = 0): void {
    this.ensure(30);
    this.draw(title, LEFT + indent, this.y, STYLE.subsection, { width: CONTENT_WIDTH - indent });
    this.y += 14;
  }

  /** A row of small labelled facts (a step's state, attempts, times). */
  private factGrid(cells: { label: string; value: string; style?: TextStyle; width: number }[]): void {
    const labelStyle: TextStyle = { font: 'bold', size: 6.5, colour: COLOUR.muted };
    const h = 12 + Math.max(...cells.map((c) => this.measure(c.value, c.style ?? STYLE.body, c.width - 8))) + 6;
    this.ensure(h);
    let x = LEFT + 8;
    for (const cell of cells) {
      this.draw(cell.label.toUpperCase(), x, this.y + 3, labelStyle, { characterSpacing: 0.5 });
      this.drawWrapped(cell.value, x, this.y + 13, cell.width - 8, cell.style ?? STYLE.body);
      x += cell.width;
    }
    this.y += h;
    this.doc.save().moveTo(LEFT + 8, this.y).lineTo(LEFT + CONTENT_WIDTH, this.y).lineWidth(0.4).stroke(COLOUR.rule).restore();
  }

  private keyValues(rows: KeyValue[], { indent = 0, labelWidth = 130 } = {}): void {
    const labelW = labelWidth;
    const x = LEFT + indent;
    const valueX = x + labelW + 8;
    const valueW = LEFT + CONTENT_WIDTH - valueX - 4;
    for (const [label, value, kind] of rows) {
      const valueStyle = kind === 'mono' ? STYLE.mono : STYLE.body;
      const h = Math.max(this.measure(label, STYLE.label, labelW), this.measure(value, valueStyle, valueW)) + 6;
      if (h > BOTTOM - PAGE.top) {
        // Taller than a page: the label, then the value flowing over as many pages as it needs.
        this.subheading(label);
        this.paragraph(value, valueStyle, valueX - LEFT);
        continue;
      }
      this.ensure(h);
      this.drawWrapped(label, x, this.y + 3, labelW, STYLE.label);
      this.drawWrapped(value, valueX, this.y + 3, valueW, valueStyle);
      this.y += h;
      this.doc.save().moveTo(x, this.y).lineTo(LEFT + CONTENT_WIDTH, this.y).lineWidth(0.4).stroke(COLOUR.rule).restore();
    }
  }

  /** A paragraph that may flow over pages. */
  private paragraph(text: string, style: TextStyle, indent = 0): void {
    const width = CONTENT_WIDTH - indent;
    const lineH = this.measure('X', style, width);
    this.ensure(lineH);
    this.useFont(style);
    this.doc.text(text, LEFT + indent, this.y, { width, lineGap: LINE_GAP });
    this.y = this.doc.y;
  }

  private bullet(text: string): void {
    const h = this.measure(text, STYLE.body, CONTENT_WIDTH - 14) + 3;
    this.ensure(Math.min(h, 40));
    this.draw('•', LEFT + 3, this.y, { ...STYLE.body, colour: COLOUR.noteInk });
    this.paragraph(text, STYLE.body, 14);
    this.gap(3);
  }

  /** A shaded box: an error (red) or a note (amber). */
  private note(text: string, kind: 'error' | 'note' = 'note'): void {
    const style: TextStyle = { font: kind === 'error' ? 'bold' : 'regular', size: 9, colour: kind === 'error' ? COLOUR.errorInk : COLOUR.noteInk };
    const width = CONTENT_WIDTH - 30;
    const h = this.measure(text, style, width) + 10;
    if (h > BOTTOM - PAGE.top) {
      this.paragraph(text, style, 16);
      return;
    }
    this.ensure(h);
    this.doc.save().roundedRect(LEFT + 8, this.y, CONTENT_WIDTH - 8, h, 3).fill(kind === 'error' ? COLOUR.errorBg : COLOUR.noteBg).restore();
    this.doc.save().rect(LEFT + 8, this.y, 2.5, h).fill(style.colour).restore();
    this.drawWrapped(text, LEFT + 18, this.y + 5, width, style);
    this.y += h;
  }

  private gap(h: number): void {
    this.y += h;
  }

  private ensure(h: number): void {
    if (this.y + h > BOTTOM) this.newPage();
  }

  private newPage(): void {
    this.doc.addPage();
    this.y = PAGE.top;
  }

  private useFont(style: TextStyle, cjk = false): void {
    this.doc.font(cjk ? 'cjk' : style.font).fontSize(style.size).fillColor(style.colour);
  }

  /** The text cut into runs of one font each: DejaVu, or the CJK font for those scripts. */
  private runs(text: string): { text: string; cjk: boolean }[] {
    if (!this.hasCjkFont) return [{ text, cjk: false }];
    const out: { text: string; cjk: boolean }[] = [];
    let at = 0;
    for (const m of text.matchAll(CJK_CHARS)) {
      if (m.index > at) out.push({ text: text.slice(at, m.index), cjk: false });
      out.push({ text: m[0], cjk: true });
      at = m.index + m[0].length;
    }
    if (at < text.length || out.length === 0) out.push({ text: text.slice(at), cjk: false });
    return out;
  }

  private measure(text: string, style: TextStyle, width: number): number {
    this.useFont(style);
    // A CJK character is 1 em wide, as DejaVu's W nearly is: measure the text with Ws for them.
    const standIn = this.hasCjkFont ? text.replace(CJK_CHARS, (m) => 'W'.repeat([...m].length)) : text;
    return this.doc.heightOfString(standIn, { width, lineGap: LINE_GAP });
  }

  private widthOf(text: string, style: TextStyle, options: PDFKit.Mixins.TextOptions = {}): number {
    let w = 0;
    for (const run of this.runs(text)) {
      this.useFont(style, run.cjk);
      w += this.doc.widthOfString(run.text, options);
    }
    return w;
  }

  /** The text, shortened with an ellipsis to fit the width. */
  private fit(text: string, style: TextStyle, width: number): string {
    if (this.widthOf(text, style) <= width) return text;
    const chars = [...text];
    while (chars.length > 1 && this.widthOf(`${chars.join('').trimEnd()}…`, style) > width) chars.pop();
    return `${chars.join('').trimEnd()}…`;
  }

  private baseline(style: TextStyle, cjk: boolean): { baseline?: number } {
    return cjk ? { baseline: -DEJAVU_ASCENDER * style.size } : {};
  }

  /** Draws text that is known to fit above the bottom margin; returns its height. */
  private drawWrapped(text: string, x: number, y: number, width: number, style: TextStyle): number {
    const runs = this.runs(text);
    runs.forEach((run, i) => {
      this.useFont(style, run.cjk);
      const options = { width, lineGap: LINE_GAP, continued: i < runs.length - 1, ...this.baseline(style, run.cjk) };
      if (i === 0) this.doc.text(run.text, x, y, options);
      else this.doc.text(run.text, options);
    });
    return this.doc.y - y;
  }

  /** Draws one line of text (no wrapping), aligned within options.width if given. */
  private draw(text: string, x: number, y: number, style: TextStyle, options: PDFKit.Mixins.TextOptions = {}): void {
    const { width, align, ...rest } = options;
    const line = width ? this.fit(text, style, width) : text;
    const runs = this.runs(line);
    let cx = x;
    if (width && align && align !== 'left') {
      const w = this.widthOf(line, style, rest);
      cx += align === 'right' ? width - w : (width - w) / 2;
    }
    for (const run of runs) {
      this.useFont(style, run.cjk);
      this.doc.text(run.text, cx, y, { ...rest, lineBreak: false, ...this.baseline(style, run.cjk) });
      cx += this.doc.widthOfString(run.text, rest);
    }
  }

  /** The running header (from page 2) and the footer of every page, once the page count is known. */
  private decoratePages(): void {
    const { doc, data } = this;
    const range = doc.bufferedPageRange();
    const generated = `Generated ${formatTime(data.generatedAt)}`;
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const margins = doc.page.margins;
      const saved = { top: margins.top, bottom: margins.bottom };
      // Drawing inside the margins must not make pdfkit open another page.
      margins.top = 0;
      margins.bottom = 0;
      if (i > range.start) {
        this.draw('Offboarding compliance report', LEFT, 38, { font: 'bold', size: 8, colour: COLOUR.muted });
        this.draw(`${data.run.person.displayName} · ${data.tenant.displayName}`, LEFT + 170, 38, STYLE.small, {
          width: CONTENT_WIDTH - 170,
          align: 'right',
        });
        doc.save().moveTo(LEFT, 52).lineTo(LEFT + CONTENT_WIDTH, 52).lineWidth(0.5).stroke(COLOUR.rule).restore();
      }
      const fy = PAGE.height - 44;
      doc.save().moveTo(LEFT, fy - 8).lineTo(LEFT + CONTENT_WIDTH, fy - 8).lineWidth(0.5).stroke(COLOUR.rule).restore();
      this.draw(`Offramp · ${data.organisation.name} · Run ${data.run.id}`, LEFT, fy, STYLE.small, { width: 300 });
      this.draw(generated, LEFT, fy + 10, STYLE.small, { width: 300 });
      this.draw(`Page ${i - range.start + 1} of ${range.count}`, LEFT + CONTENT_WIDTH - 150, fy, { ...STYLE.small, font: 'bold' }, {
        width: 150,
        align: 'right',
      });
      margins.top = saved.top;
      margins.bottom = saved.bottom;
    }
  }
}

type KeyValue = [label: string, value: string, kind?: 'mono'];

// ---------------------------------------------------------------------------------------------
// Wording

function stepsOf(run: Run, phase: RunStep['phase']): RunStep[] {
  return run.steps.filter((s) => s.phase === phase).sort((a, b) => a.seq - b.seq);
}

function stateLabel(state: RunState | StepState): string {
  return (RUN_STATE_LABEL as Record<string, string>)[state] ?? STEP_STATE_LABEL[state as StepState];
}

function actorLabel(actor: Actor): string {
  return actor.memberId ? actor.name : `${actor.name} (automatic)`;
}

function approvalLabel(run: Run): string {
  if (run.approvedBy) return `${run.state === 'rejected' ? 'Rejected' : 'Approved'} by ${actorLabel(run.approvedBy)}`;
  if (run.state === 'rejected') return 'Rejected';
  if (run.state === 'awaiting_approval') return 'Awaiting approval';
  return 'No approval required';
}

function attemptsLabel(attempts: number): string {
  if (attempts <= 0) return 'Not attempted';
  if (attempts === 1) return '1';
  const retries = attempts - 1;
  return `${attempts} (retried ${retries} ${retries === 1 ? 'time' : 'times'})`;
}

function undoKindLabel(kind: RunStep['undo']['kind']): string {
  return kind === 'full' ? 'Can be undone' : kind === 'partial' ? 'Can be partly undone' : 'Cannot be undone';
}

function stepCountsSentence(steps: RunStep[], noun = 'step'): string {
  const counts = new Map<StepState, number>();
  for (const s of steps) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const parts = [...counts].map(([state, n]) => `${n} ${state.replaceAll('_', ' ')}`);
  return `${steps.length} ${steps.length === 1 ? noun : `${noun}s`}${parts.length ? `: ${parts.join(', ')}.` : '.'}`;
}

function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2025-03-14 09:30:12 UTC" (without " UTC" where a heading says so). */
export function formatTime(iso: string, withZone = true): string {
  const d = parseDate(iso);
  if (!d) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}${withZone ? ' UTC' : ''}`;
}

function optionalTime(iso: string | null, otherwise: string): string {
  return iso ? formatTime(iso) : otherwise;
}

/** "850 ms", "4.2 s", "3 min 5 s", "1 h 2 min"; null when either end is unknown. */
export function formatDuration(start: string | null, end: string | null): string | null {
  const a = parseDate(start);
  const b = parseDate(end);
  if (!a || !b) return null;
  const ms = Math.max(0, b.getTime() - a.getTime());
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
