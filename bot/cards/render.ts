import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../../server/paths.js';

// Loaded untyped: the package's type files import adaptivecards' TypeScript sources, which do not
// compile under this project's settings. This is the whole of the API used.
interface CardTemplate {
  expand(context: { $root: unknown }): unknown;
}
const templating = createRequire(import.meta.url)('adaptivecards-templating') as { Template: new (json: unknown) => CardTemplate };

/**
 * The bot's Adaptive Cards: JSON templates (bot/cards/*.json, Adaptive Cards 1.5) expanded with
 * adaptivecards-templating from a typed view. Every value a template names is given here as a
 * string, list or boolean (a missing one would stay as literal `${…}` text), so the views below
 * are the whole contract between the commands and the card designs.
 */

export interface HelpView {
  intro: string;
  commands: { usage: string; summary: string }[];
  footer: string;
}

export interface PreviewView {
  person: string;
  upn: string;
  tenant: string;
  tenantRef: string;
  when: string;
  /** What the Submit button carries back: the words the requester used for the time. */
  whenText: string;
  approval: string;
  warnings: string[];
  steps: { n: number; title: string; summary: string; detail: string; blocked: string }[];
  employeeId: string;
  submitTitle: string;
}

export interface ChooseView {
  question: string;
  choices: { label: string; employeeId: string; whenText: string }[];
}

export interface ApprovalView {
  runId: string;
  person: string;
  upn: string;
  tenant: string;
  requestedBy: string;
  when: string;
  stepList: string;
  /** Empty while undecided; then who decided and how. */
  decision: string;
  decisionColour: 'Good' | 'Attention' | 'Default';
  open: boolean;
  note: string;
  link: string;
}

export interface ProgressView {
  runId: string;
  title: string;
  subtitle: string;
  steps: { icon: string; colour: string; title: string; status: string; note: string; noteColour: string }[];
  summary: string;
  summaryColour: string;
  canRetry: boolean;
  canCancel: boolean;
  pdf: string;
  link: string;
}

export interface RunsView {
  title: string;
  empty: string;
  rows: { name: string; detail: string; status: string; colour: string; link: string }[];
}

interface Views {
  help: HelpView;
  preview: PreviewView;
  choose: ChooseView;
  approval: ApprovalView;
  progress: ProgressView;
  runs: RunsView;
}

export type CardName = keyof Views;
export const CARD_NAMES: readonly CardName[] = ['help', 'preview', 'choose', 'approval', 'progress', 'runs'];

const templates = new Map<CardName, CardTemplate>();
function template(name: CardName): CardTemplate {
  let t = templates.get(name);
  if (!t) {
    t = new templating.Template(JSON.parse(fs.readFileSync(path.join(repoRoot, 'bot', 'cards', `${name}.json`), 'utf8')));
    templates.set(name, t);
  }
  return t;
}

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

/** The card's JSON for a view. */
export function renderCard<N extends CardName>(name: N, view: Views[N]): AdaptiveCardJson {
  return template(name).expand({ $root: view }) as AdaptiveCardJson;
}

/** The card as a message attachment. */
export function cardAttachment<N extends CardName>(name: N, view: Views[N]) {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: renderCard(name, view) };
}
