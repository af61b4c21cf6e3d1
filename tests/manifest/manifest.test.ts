/**
 * The Teams app package: appPackage/manifest.json checked against the official schema of the
 * version its "$schema" names (the copy @microsoft/app-manifest ships, so no network), the
 * icons Teams requires, the tab deep links and the bot's commands, and that every
 * ${{PLACEHOLDER}} is defined by the Teams Toolkit env templates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import pngjs from 'pngjs';
import { BOT_COMMANDS, manifestDescription } from '../../bot/commands.js';

// CommonJS packages: under NodeNext the default import is module.exports, whose `default`
// holds the class/plugin at type level and at run time in Node (jest gives the same object).
type AjvClass = typeof import('ajv-draft-04').default;
type FormatsPlugin = typeof import('ajv-formats').default;
const Ajv04 = ((ajvDraft04 as unknown as { default?: AjvClass }).default ?? ajvDraft04) as AjvClass;
const addFormats = ((ajvFormats as unknown as { default?: FormatsPlugin }).default ?? ajvFormats) as FormatsPlugin;
const { PNG } = pngjs;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const appPackage = path.join(root, 'appPackage');
const requireHere = createRequire(import.meta.url);
const schemasDir = path.join(path.dirname(requireHere.resolve('@microsoft/app-manifest/package.json')), 'build/json-schemas/teams');

/** Plausible values for the placeholders Teams Toolkit fills in from env/.env.<name>. */
const SAMPLE_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '3f1c8d2a-6b7e-4c19-9a2f-1d5e7b8c9a01',
  BOT_ID: '7a9e2b4c-1d3f-4e5a-8b6c-0d2e4f6a8b02',
  AAD_APP_CLIENT_ID: 'c4d5e6f7-8a9b-4c0d-9e1f-2a3b4c5d6e03',
  TAB_DOMAIN: 'offramp.contoso.example',
  TAB_ENDPOINT: 'https://offramp.contoso.example',
  APP_NAME_SUFFIX: '-local',
};

const PAGES = ['queue', 'offboardings', 'new', 'integrations', 'team', 'billing', 'tenants', 'settings', 'audit'];
const COMMANDS = BOT_COMMANDS.map((c) => c.name);
const MIN_SCHEMA_VERSION = [1, 24];

const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

const readText = (file: string) => fs.readFileSync(file, 'utf8');
const manifestText = readText(path.join(appPackage, 'manifest.json'));

function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** The manifest as Teams Toolkit would render it, with every ${{NAME}} replaced. */
function renderManifest(text: string, values: Record<string, string> = SAMPLE_VALUES): Record<string, any> {
  const missing = placeholdersIn(text).filter((name) => !(name in values));
  if (missing.length) throw new Error(`manifest.json uses placeholders this test has no sample value for: ${missing.join(', ')}`);
  return JSON.parse(text.replace(PLACEHOLDER, (_, name: string) => values[name]!));
}

/** Keys defined in a dotenv file (comments and blank lines skipped). */
function envKeys(file: string): Set<string> {
  return new Set(
    readText(file)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.slice(0, line.indexOf('=')).trim()),
  );
}

function schemaVersionOf(manifest: Record<string, any>): string {
  const match = /^https:\/\/developer\.microsoft\.com\/en-us\/json-schemas\/teams\/v(\d+\.\d+)\/MicrosoftTeams\.schema\.json$/.exec(
    String(manifest.$schema),
  );
  if (!match) throw new Error(`"$schema" is not an official Teams manifest schema URL: ${String(manifest.$schema)}`);
  return match[1]!;
}

function compileSchema(version: string): ValidateFunction {
  const file = path.join(schemasDir, `v${version}`, 'MicrosoftTeams.schema.json');
  if (!fs.existsSync(file)) throw new Error(`@microsoft/app-manifest ships no schema for v${version} (looked for ${file})`);
  const schema = JSON.parse(readText(file)) as Record<string, unknown>;
  if (schema.$schema !== 'http://json-schema.org/draft-04/schema#') {
    throw new Error(`The v${version} schema is ${String(schema.$schema)}, not draft-04: update this test's validator`);
  }
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** One line per violation, naming where in the manifest and which schema rule, e.g.
 * "/accentColor must match pattern "^#[0-9a-fA-F]{6}$" (schema #/definitions/hexColor/pattern)". */
function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty?: string }).additionalProperty)}"` : '';
    return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra} (schema ${e.schemaPath})`;
  });
}

function readPng(name: string) {
  return PNG.sync.read(fs.readFileSync(path.join(appPackage, name)));
}

describe('Teams app manifest (appPackage/manifest.json)', () => {
  const manifest = renderManifest(manifestText);
  const version = schemaVersionOf(manifest);

  it(`names an official schema of v${MIN_SCHEMA_VERSION.join('.')} or newer that @microsoft/app-manifest ships, and matches its manifestVersion`, () => {
    const [major, minor] = version.split('.').map(Number) as [number, number];
    expect(major > MIN_SCHEMA_VERSION[0]! || (major === MIN_SCHEMA_VERSION[0] && minor >= MIN_SCHEMA_VERSION[1]!)).toBe(true);
    expect(fs.existsSync(path.join(schemasDir, `v${version}`, 'MicrosoftTeams.schema.json'))).toBe(true);
    expect(manifest.manifestVersion).toBe(version);
  });

  it('is valid against the schema its "$schema" names, once the placeholders are filled in', () => {
    const validate = compileSchema(version);
    validate(manifest);
    expect(describeErrors(validate.errors)).toEqual([]);
  });

  it('reports a schema violation by manifest path and schema rule', () => {
    const validate = compileSchema(version);
    const broken = { ...manifest, accentColor: 'green', bots: [{ ...manifest.bots[0], scopes: ['everywhere'] }] };
    expect(validate(broken)).toBe(false);
    const problems = describeErrors(validate.errors);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/accentColor must match pattern .*\(schema #\/definitions\/hexColor\/pattern\)$/),
        expect.stringMatching(/^\/bots\/0\/scopes\/0 must be equal to one of the allowed values \(schema .*\/enum\)$/),
      ]),
    );
  });

  it('uses only placeholders the Teams Toolkit env templates define, in every environment', () => {
    const used = placeholdersIn(manifestText);
    expect(used).toEqual(Object.keys(SAMPLE_VALUES).sort());
    for (const env of ['.env.local', '.env.dev']) {
      const defined = envKeys(path.join(root, 'env', env));
      expect({ env, undefined: used.filter((name) => !defined.has(name)) }).toEqual({ env, undefined: [] });
    }
  });

  it('has the ids, SSO resource and valid domain Teams Toolkit fills in', () => {
    expect(manifest.id).toBe(SAMPLE_VALUES.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(SAMPLE_VALUES.BOT_ID);
    expect(manifest.webApplicationInfo).toEqual({
      id: SAMPLE_VALUES.AAD_APP_CLIENT_ID,
      resource: `api://${SAMPLE_VALUES.TAB_DOMAIN}/${SAMPLE_VALUES.AAD_APP_CLIENT_ID}`,
    });
    expect(manifest.validDomains).toContain(SAMPLE_VALUES.TAB_DOMAIN);
  });

  it('points every static tab with a page at a path under /tabs/ on the tab endpoint', () => {
    const withPages = (manifest.staticTabs as { entityId: string; contentUrl?: string; websiteUrl?: string }[]).filter(
      (tab) => tab.contentUrl !== undefined,
    );
    const offending = withPages.flatMap((tab) =>
      [tab.contentUrl, tab.websiteUrl]
        .filter((url): url is string => url !== undefined)
        .filter((url) => {
          const u = new URL(url);
          return u.origin !== SAMPLE_VALUES.TAB_ENDPOINT || !u.pathname.startsWith('/tabs/');
        })
        .map((url) => `${tab.entityId}: ${url}`),
    );
    expect(offending).toEqual([]);
    expect(withPages.map((tab) => new URL(tab.contentUrl!).pathname).sort()).toEqual(PAGES.map((p) => `/tabs/${p}`).sort());
  });

  it('lists every bot command, with a description, in each scope the bot has', () => {
    const bot = manifest.bots[0] as { scopes: string[]; commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[] };
    expect(bot.scopes).toEqual(expect.arrayContaining(['personal', 'team']));
    for (const scope of bot.scopes) {
      const list = bot.commandLists.find((l) => l.scopes.includes(scope));
      const titles = list?.commands.map((c) => c.title) ?? [];
      expect({ scope, missing: COMMANDS.filter((c) => !titles.includes(c)) }).toEqual({ scope, missing: [] });
      const undescribed = list?.commands.filter((c) => !c.description?.trim()).map((c) => c.title) ?? [];
      expect({ scope, undescribed }).toEqual({ scope, undescribed: [] });
    }
    // Word for word what the bot's `help` says (bot/commands.ts), in the same order.
    for (const list of bot.commandLists) {
      expect(list.commands).toEqual(BOT_COMMANDS.map((c) => ({ title: c.name, description: manifestDescription(c) })));
    }
    expect(COMMANDS).toEqual(['offboard', 'status', 'queue', 'runs', 'cancel', 'retry', 'undo', 'digest', 'help']);
  });
});

describe('Teams app icons', () => {
  const manifest = renderManifest(manifestText);

  it('has a 192×192 colour icon', () => {
    const color = readPng(manifest.icons.color);
    expect([color.width, color.height]).toEqual([192, 192]);
  });

  it('has a 32×32 outline icon that is white on transparent only', () => {
    const outline = readPng(manifest.icons.outline);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const offending: string[] = [];
    let drawn = 0;
    for (let y = 0; y < outline.height; y++) {
      for (let x = 0; x < outline.width; x++) {
        const i = (y * outline.width + x) * 4;
        const [r, g, b, a] = [outline.data[i]!, outline.data[i + 1]!, outline.data[i + 2]!, outline.data[i + 3]!];
        if (a === 0) continue;
        drawn++;
        if (r !== 255 || g !== 255 || b !== 255) offending.push(`(${x},${y}) rgba(${r},${g},${b},${a})`);
      }
    }
    expect(offending.slice(0, 10)).toEqual([]);
    expect(drawn).toBeGreaterThan(32); // the glyph is there, not an empty image
  });
});

describe('Teams Toolkit project files', () => {
  const files = ['teamsapp.yml', 'teamsapp.local.yml', 'appPackage/aad.manifest.json'];

  it.each([
    ['teamsapp.local.yml', '.env.local'],
    ['teamsapp.yml', '.env.dev'],
  ])('%s uses only placeholders that env/%s defines, or secrets from its .user file', (yml, env) => {
    const defined = envKeys(path.join(root, 'env', env));
    const text = readText(path.join(root, yml)) + readText(path.join(appPackage, 'aad.manifest.json'));
    const undefinedNames = placeholdersIn(text).filter((name) => !defined.has(name) && !name.startsWith('SECRET_'));
    expect(undefinedNames).toEqual([]);
  });

  it('commits no secret values in the env templates', () => {
    for (const env of ['.env.local', '.env.dev']) {
      const secrets = [...envKeys(path.join(root, 'env', env))].filter((key) => key.startsWith('SECRET_'));
      expect({ env, secrets }).toEqual({ env, secrets: [] });
    }
  });

  it.each(files)('%s exists', (file) => {
    expect(fs.existsSync(path.join(root, file))).toBe(true);
  });
});
