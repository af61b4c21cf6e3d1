import type { AuthMethod, AuthMethodKind } from '../tenant/model.js';
import { readUser, writeUser } from './common.js';
import { list, metadata, queryOptions, validateSelect, type Shape } from './odata.js';
import { METHODS_READ, METHODS_WRITE } from './perms.js';
import { noContent, notFound, ok, type GraphContext, type Route } from './types.js';

/**
 * Authentication methods: the list of all, the typed collections, and deletion from the typed
 * collections that allow it (the password method cannot be deleted: Graph has no such call).
 */

const KINDS: AuthMethodKind[] = ['password', 'phone', 'microsoftAuthenticator', 'fido2', 'email', 'softwareOath'];
const DELETABLE: AuthMethodKind[] = ['phone', 'microsoftAuthenticator', 'fido2', 'email', 'softwareOath'];
const typeOf = (m: AuthMethod) => `microsoft.graph.${m.kind}AuthenticationMethod`;

const PROPS = ['password', 'phoneNumber', 'phoneType', 'smsSignInState', 'displayName', 'deviceTag', 'phoneAppVersion', 'aaGuid', 'model', 'attestationCertificates', 'attestationLevel', 'emailAddress', 'secretKey'];

const METHOD_SHAPE: Shape<AuthMethod> = {
  type: 'microsoft.graph.authenticationMethod',
  props: {
    id: (m) => m.id,
    createdDateTime: (m) => m.createdDateTime,
    ...Object.fromEntries(PROPS.map((p) => [p, (m: AuthMethod) => (p in m.props ? m.props[p] : undefined)])),
  },
  defaults: null,
};

const render = (m: AuthMethod, select: string[] | null) => {
  const out: Record<string, unknown> = { '@odata.type': `#${typeOf(m)}` };
  for (const k of select ?? ['id', 'createdDateTime', ...Object.keys(m.props)]) {
    const v = METHOD_SHAPE.props[k]?.(m, undefined as never);
    if (v !== undefined) out[k] = v;
  }
  return out;
};

const methodsOf = (ctx: GraphContext, kind?: AuthMethodKind) => {
  const u = readUser(ctx);
  return { user: u, methods: ctx.store.personal(u.id).methods.filter((m) => !kind || m.kind === kind) };
};

const service = { service: 'authMethods' as const };

export const authMethodRoutes: Route[] = [
  {
    ...service,
    method: 'GET',
    path: '/users/{id}/authentication/methods',
    perms: METHODS_READ,
    handle: (ctx) => {
      const { user, methods } = methodsOf(ctx);
      return list(ctx, { fragment: `users('${user.id}')/authentication/methods`, shape: METHOD_SHAPE, items: methods, page: { default: 1000, max: 1000 }, render });
    },
  },
  ...KINDS.flatMap((kind): Route[] => {
    const collection = `/users/{id}/authentication/${kind}Methods`;
    const find = (ctx: GraphContext) => {
      const { user, methods } = methodsOf(ctx, kind);
      const m = methods.find((x) => x.id === ctx.params.methodId);
      if (!m) throw notFound(ctx.params.methodId!);
      return { user, m };
    };
    const routes: Route[] = [
      {
        ...service,
        method: 'GET',
        path: collection,
        perms: METHODS_READ,
        handle: (ctx) => {
          const { user, methods } = methodsOf(ctx, kind);
          return list(ctx, { fragment: `users('${user.id}')/authentication/${kind}Methods`, shape: METHOD_SHAPE, items: methods, page: { default: 1000, max: 1000 }, render });
        },
      },
      {
        ...service,
        method: 'GET',
        path: `${collection}/{methodId}`,
        perms: METHODS_READ,
        handle: (ctx) => {
          const { user, m } = find(ctx);
          const select = queryOptions(ctx).select;
          validateSelect(METHOD_SHAPE, select);
          return ok({ '@odata.context': metadata(ctx, `users('${user.id}')/authentication/${kind}Methods/$entity`), ...render(m, select) });
        },
      },
    ];
    if (DELETABLE.includes(kind)) {
      routes.push({
        ...service,
        method: 'DELETE',
        path: `${collection}/{methodId}`,
        perms: METHODS_WRITE,
        handle: (ctx) => {
          const u = writeUser(ctx);
          const methods = ctx.store.personal(u.id).methods;
          const i = methods.findIndex((x) => x.kind === kind && x.id === ctx.params.methodId);
          if (i < 0) throw notFound(ctx.params.methodId!);
          methods.splice(i, 1);
          return noContent();
        },
      });
    }
    return routes;
  }),
];
