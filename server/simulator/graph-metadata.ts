import fs from 'node:fs';
import path from 'node:path';

/**
 * A small reader for Microsoft's OData description of Microsoft Graph (the CSDL published in
 * microsoftgraph/msgraph-metadata). It answers the questions conformance tests ask: does this
 * property exist on this type (walking base types), what type does it have, does this bound
 * action exist with these parameter names, and which keys of a JSON object (a response, or a
 * request body) are unknown to the type. It has no dependencies: the CSDL is one element per
 * line, well-formed XML, and this only needs its tags and attributes.
 */

export interface CsdlProperty {
  name: string;
  /** e.g. "Edm.String", "graph.assignedLicense", "Collection(graph.assignedLicense)" */
  type: string;
  nullable: boolean;
  navigation: boolean;
}

export interface CsdlType {
  /** e.g. "microsoft.graph.user" */
  fullName: string;
  kind: 'entity' | 'complex';
  baseType: string | null;
  abstract: boolean;
  openType: boolean;
  properties: Map<string, CsdlProperty>;
}

export interface CsdlParameter {
  name: string;
  type: string;
  nullable: boolean;
}

export interface CsdlOperation {
  name: string;
  kind: 'action' | 'function';
  isBound: boolean;
  /** Full name of the binding type, "Collection(...)" kept when bound to a collection. */
  bindingType: string | null;
  /** Parameters without the binding parameter. */
  parameters: CsdlParameter[];
  returnType: string | null;
}

export interface UnknownProperty {
  /** JSON path within the checked object, e.g. "assignedLicenses[0].foo" */
  path: string;
  /** The Graph type the key was looked up on. */
  type: string;
}

interface Tag {
  name: string;
  attrs: Record<string, string>;
  closing: boolean;
  selfClosing: boolean;
}

const TAG = /<(\/?)([A-Za-z][\w:.]*)((?:\s+[\w:.]+="[^"]*")*)\s*(\/?)>/g;
const ATTR = /([\w:.]+)="([^"]*)"/g;

function* tags(xml: string): Generator<Tag> {
  for (const m of xml.matchAll(TAG)) {
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(ATTR)) attrs[a[1]!] = a[2]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    yield { name: m[2]!, attrs, closing: m[1] === '/', selfClosing: m[4] === '/' };
  }
}

const COLLECTION = /^Collection\((.+)\)$/;

export class GraphMetadata {
  readonly types = new Map<string, CsdlType>();
  readonly enums = new Map<string, string[]>();
  readonly operations: CsdlOperation[] = [];
  /** Entity sets and singletons of the container: name -> "Collection(type)" or type. */
  readonly roots = new Map<string, string>();
  private readonly aliases = new Map<string, string>();
  private readonly derived = new Map<string, string[]>();

  constructor(csdl: string) {
    this.parse(csdl);
    for (const t of this.types.values()) {
      if (t.baseType) this.derived.set(t.baseType, [...(this.derived.get(t.baseType) ?? []), t.fullName]);
    }
  }

  private parse(csdl: string): void {
    let namespace = '';
    let current: CsdlType | null = null;
    let currentEnum: string[] | null = null;
    let op: CsdlOperation | null = null;
    for (const tag of tags(csdl)) {
      if (tag.closing) {
        if (tag.name === 'EntityType' || tag.name === 'ComplexType') current = null;
        else if (tag.name === 'EnumType') currentEnum = null;
        else if (tag.name === 'Action' || tag.name === 'Function') op = null;
        continue;
      }
      const a = tag.attrs;
      switch (tag.name) {
        case 'Schema':
          namespace = a.Namespace!;
          if (a.Alias) this.aliases.set(a.Alias, namespace);
          break;
        case 'EntityType':
        case 'ComplexType': {
          const t: CsdlType = {
            fullName: `${namespace}.${a.Name}`,
            kind: tag.name === 'EntityType' ? 'entity' : 'complex',
            baseType: a.BaseType ?? null,
            abstract: a.Abstract === 'true',
            openType: a.OpenType === 'true',
            properties: new Map(),
          };
          this.types.set(t.fullName, t);
          if (!tag.selfClosing) current = t;
          break;
        }
        case 'EnumType':
          currentEnum = [];
          this.enums.set(`${namespace}.${a.Name}`, currentEnum);
          if (tag.selfClosing) currentEnum = null;
          break;
        case 'Member':
          currentEnum?.push(a.Name!);
          break;
        case 'Property':
        case 'NavigationProperty':
          current?.properties.set(a.Name!, { name: a.Name!, type: a.Type!, nullable: a.Nullable !== 'false', navigation: tag.name === 'NavigationProperty' });
          break;
        case 'Action':
        case 'Function':
          op = { name: a.Name!, kind: tag.name === 'Action' ? 'action' : 'function', isBound: a.IsBound === 'true', bindingType: null, parameters: [], returnType: null };
          this.operations.push(op);
          if (tag.selfClosing) op = null;
          break;
        case 'Parameter':
          if (!op) break;
          if (op.isBound && op.bindingType === null && op.parameters.length === 0 && a.Name === 'bindingParameter') op.bindingType = a.Type!;
          else op.parameters.push({ name: a.Name!, type: a.Type!, nullable: a.Nullable !== 'false' });
          break;
        case 'ReturnType':
          if (op) op.returnType = a.Type!;
          break;
        case 'EntitySet':
          this.roots.set(a.Name!, `Collection(${a.EntityType})`);
          break;
        case 'Singleton':
          this.roots.set(a.Name!, a.Type!);
          break;
      }
    }
    // Resolve aliases ("graph.user" -> "microsoft.graph.user") now that every schema is known.
    for (const t of this.types.values()) {
      if (t.baseType) t.baseType = this.resolve(t.baseType);
      for (const p of t.properties.values()) p.type = this.resolveTypeRef(p.type);
    }
    for (const [k, v] of this.roots) this.roots.set(k, this.resolveTypeRef(v));
    for (const o of this.operations) {
      if (o.bindingType) o.bindingType = this.resolveTypeRef(o.bindingType);
      if (o.returnType) o.returnType = this.resolveTypeRef(o.returnType);
      for (const p of o.parameters) p.type = this.resolveTypeRef(p.type);
    }
  }

  private resolveTypeRef(ref: string): string {
    const c = ref.match(COLLECTION);
    return c ? `Collection(${this.resolve(c[1]!)})` : this.resolve(ref);
  }

  /** "user", "graph.user", "#microsoft.graph.user" -> "microsoft.graph.user" (as given when unknown). */
  resolve(name: string): string {
    const n = name.replace(/^#/, '');
    if (n.startsWith('Edm.')) return n;
    const dot = n.indexOf('.');
    if (dot > 0) {
      const alias = this.aliases.get(n.slice(0, dot));
      if (alias) return `${alias}${n.slice(dot)}`;
      if (this.types.has(n) || this.enums.has(n)) return n;
    }
    if (this.types.has(`microsoft.graph.${n}`) || this.enums.has(`microsoft.graph.${n}`)) return `microsoft.graph.${n}`;
    return n;
  }

  type(name: string): CsdlType | undefined {
    return this.types.get(this.resolve(name));
  }

  /** The type and its base types, most derived first. */
  lineage(name: string): CsdlType[] {
    const out: CsdlType[] = [];
    for (let t = this.type(name); t; t = t.baseType ? this.types.get(t.baseType) : undefined) out.push(t);
    return out;
  }

  /** Every property (structural and navigation) the type has, its base types' included. */
  allProperties(name: string): Map<string, CsdlProperty> {
    const out = new Map<string, CsdlProperty>();
    for (const t of this.lineage(name).reverse()) for (const [k, v] of t.properties) out.set(k, v);
    return out;
  }

  property(typeName: string, prop: string): CsdlProperty | undefined {
    for (const t of this.lineage(typeName)) {
      const p = t.properties.get(prop);
      if (p) return p;
    }
    return undefined;
  }

  /** True when `name` is `base` or derives from it. */
  isA(name: string, base: string): boolean {
    const b = this.resolve(base);
    return this.lineage(name).some((t) => t.fullName === b);
  }

  derivedTypes(name: string): string[] {
    const out: string[] = [];
    const walk = (n: string) => {
      for (const d of this.derived.get(n) ?? []) {
        out.push(d);
        walk(d);
      }
    };
    walk(this.resolve(name));
    return out;
  }

  /**
   * Bound actions/functions named `name` that can be called on `bindingType` (an entity type,
   * or "Collection(type)"): bound to the type itself or to one of its base types.
   */
  boundOperations(name: string, bindingType: string): CsdlOperation[] {
    const c = bindingType.match(COLLECTION);
    const lineage = this.lineage(c ? c[1]! : bindingType).map((t) => (c ? `Collection(${t.fullName})` : t.fullName));
    return this.operations.filter((o) => o.isBound && o.name === name && o.bindingType !== null && lineage.includes(o.bindingType));
  }

  /**
   * Keys of a JSON object that the Graph type does not declare, recursively through complex
   * and entity values (honouring `@odata.type` on values). Instance annotations (`@odata.*`,
   * `prop@odata.nextLink`, `members@delta`) are checked by their property part only.
   * Open complex types (identity, identitySet …) may carry more than they declare, as Graph's
   * answers do (`owner.user.email`); entity types are checked strictly even when open, unless
   * `allowOpenEntities`. `strict` flags extras on open complex types too.
   */
  unknownProperties(typeName: string, value: unknown, opts: { allowOpenEntities?: boolean; strict?: boolean } = {}): UnknownProperty[] {
    const out: UnknownProperty[] = [];
    this.walk(this.resolve(typeName), value, '', out, { entities: opts.allowOpenEntities ?? false, complex: !opts.strict });
    return out;
  }

  private walk(typeName: string, value: unknown, at: string, out: UnknownProperty[], open: { entities: boolean; complex: boolean }): void {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(typeName, v, `${at}[${i}]`, out, open));
      return;
    }
    const obj = value as Record<string, unknown>;
    const declared = typeof obj['@odata.type'] === 'string' ? this.resolve(obj['@odata.type'] as string) : typeName;
    const type = this.type(declared);
    if (!type) return;
    const props = this.allProperties(declared);
    for (const [key, v] of Object.entries(obj)) {
      if (key.startsWith('@')) continue;
      const name = key.includes('@') ? key.slice(0, key.indexOf('@')) : key;
      const path = at ? `${at}.${key}` : key;
      const prop = props.get(name);
      if (!prop) {
        if (!(type.openType && (type.kind === 'entity' ? open.entities : open.complex))) out.push({ path, type: declared });
        continue;
      }
      if (key !== name) continue; // an annotation of a known property (e.g. members@delta)
      const inner = prop.type.match(COLLECTION)?.[1] ?? prop.type;
      if (!inner.startsWith('Edm.') && this.types.has(inner)) this.walk(inner, v, path, out, open);
    }
  }

  /**
   * Walks a Graph URL path (after the version; `{x}` or any value for keys) through entity
   * sets, keys, navigation properties, type casts, and bound actions and functions, as OData
   * resolves it. Returns the type the path addresses, or throws naming the segment that Graph's
   * description does not have. `$ref`, `$count` and `$value` are accepted where OData allows them.
   */
  resolvePath(path: string): string {
    const segs = path.replace(/^\/+/, '').split('/').filter(Boolean);
    const first = segs.shift();
    const root = first ? this.roots.get(first) : undefined;
    if (!root) throw new Error(`'${first}' is not an entity set or singleton of Microsoft Graph`);
    let type: string = root;
    for (const seg of segs) {
      const coll: string | undefined = type.match(COLLECTION)?.[1];
      if (seg === '$ref' || seg === '$value') continue;
      if (seg === '$count') {
        if (!coll) throw new Error(`$count on a single ${type}`);
        type = 'Edm.Int32';
        continue;
      }
      const cast = this.type(seg.replace(/^microsoft\.graph\./, ''));
      if (seg.includes('.') && cast && this.isA(cast.fullName, coll ?? type)) {
        type = coll ? `Collection(${cast.fullName})` : cast.fullName;
        continue;
      }
      const op: CsdlOperation | undefined = this.boundOperations(seg, type)[0];
      if (op) {
        type = op.returnType ?? 'Edm.Untyped';
        continue;
      }
      if (coll) {
        type = coll; // a key
        continue;
      }
      const prop = this.property(type, seg);
      if (!prop) throw new Error(`'${seg}' is not a property, navigation or bound operation of ${type}`);
      type = prop.type;
    }
    return type;
  }

  /** Body parameters of a bound action that Graph's description does not declare (case-insensitive). */
  unknownParameters(action: string, bindingType: string, body: Record<string, unknown>): string[] {
    const op = this.boundOperations(action, bindingType)[0];
    if (!op) return Object.keys(body);
    return Object.keys(body).filter((k) => !op.parameters.some((p) => p.name.toLowerCase() === k.toLowerCase()));
  }
}

/** Where Microsoft's description lives next to the repository (…/shared/graph), and the files it needs. */
export const GRAPH_METADATA_FILE = 'v1.0.csdl';

let cached: { dir: string; meta: GraphMetadata } | null = null;

/**
 * Loads the v1.0 CSDL from `dir`, or returns the reason it cannot (folder or file absent), so
 * that callers can say why they skip rather than skip silently.
 */
export function loadGraphMetadata(dir: string): { meta: GraphMetadata } | { missing: string } {
  const file = path.join(dir, GRAPH_METADATA_FILE);
  if (cached?.dir === dir) return { meta: cached.meta };
  if (!fs.existsSync(file)) return { missing: `Microsoft's Graph description was not found at ${file}` };
  const meta = new GraphMetadata(fs.readFileSync(file, 'utf8'));
  cached = { dir, meta };
  return { meta };
}
