import type { GraphMetadata } from '../../server/simulator/graph-metadata.js';
import type { Simulator } from '../../server/simulator/simulator.js';
import type { DirUser } from '../../server/simulator/tenant/model.js';
import { graphMetadata, startTestSimulator } from '../simulator/helpers.js';
import { driverFor } from './driver.js';

/**
 * Description conformance of the driver's own requests: every Graph request the driver sends
 * (sync reads and offboarding operations, $batch parts included) is checked against
 * Microsoft's v1.0 CSDL in ../shared/graph — the path resolves through entity sets, navigation
 * properties and bound operations; every $select and $filter property exists on the addressed
 * type; every body property (PATCH) or action parameter (POST to an action) is declared.
 * The requests are recorded as they leave the process (global fetch), then checked.
 */

interface Sent {
  method: string;
  url: URL;
  body: unknown;
}

const loaded = graphMetadata();

if ('missing' in loaded) {
  describe(`driver request conformance (SKIPPED: ${loaded.missing})`, () => {
    it('is skipped because Microsoft\'s Graph description is not next to the repository', () => {
      console.warn(`Driver request conformance skipped: ${loaded.missing}. Put the v1.0 CSDL at ../shared/graph/v1.0.csdl to run it.`);
    });
  });
} else {
  const meta: GraphMetadata = loaded.meta;
  const elementOf = (type: string) => type.match(/^Collection\((.*)\)$/)?.[1] ?? type;

  /** What Graph's description says is wrong with one request (nothing: []). */
  function problemsOf(req: { method: string; path: string; query: URLSearchParams; body: unknown }): string[] {
    const where = `${req.method} ${req.path}`;
    let type: string;
    try {
      type = meta.resolvePath(req.path);
    } catch (err) {
      return [`${where}: ${(err as Error).message}`];
    }
    const out: string[] = [];
    const segments = req.path.split('/').filter(Boolean);
    const last = segments.at(-1)!;
    const parentType = segments.length > 1 ? (() => { try { return meta.resolvePath(`/${segments.slice(0, -1).join('/')}`); } catch { return null; } })() : null;
    const action = parentType ? meta.boundOperations(last, parentType)[0] : undefined;
    const addressed = elementOf(action ? parentType! : type);
    for (const field of req.query.get('$select')?.split(',') ?? []) {
      // Graph answers navigations to a base type (manager: directoryObject) with the derived
      // object (a user), and $select may name the derived type's properties.
      const known = [addressed, ...meta.derivedTypes(addressed)].some((t) => meta.property(t, field.trim()));
      if (!known) out.push(`${where}: $select '${field}' is not a property of ${addressed}`);
    }
    const filter = req.query.get('$filter');
    if (filter) {
      for (const m of filter.matchAll(/([A-Za-z][\w/]*)\s+(eq|ne|ge|gt|le|lt)\s/g)) {
        const [head, ...rest] = m[1]!.split('/');
        const prop = meta.property(addressed, head!);
        if (!prop) out.push(`${where}: $filter '${m[1]}' is not a property of ${addressed}`);
        else if (rest.length && !meta.property(elementOf(prop.type), rest[0]!)) out.push(`${where}: $filter '${m[1]}' is not a property of ${prop.type}`);
      }
    }
    if (req.body && typeof req.body === 'object' && Object.keys(req.body).length) {
      const body = req.body as Record<string, unknown>;
      if (action) {
        const unknown = meta.unknownParameters(action.name, parentType!, body);
        if (unknown.length) out.push(`${where}: ${action.name} has no parameter(s) ${unknown.join(', ')}`);
        // Complex parameters: each declared parameter's value checked against its type.
        for (const p of action.parameters) {
          const value = Object.entries(body).find(([k]) => k.toLowerCase() === p.name.toLowerCase())?.[1];
          const t = elementOf(p.type);
          if (value !== undefined && !t.startsWith('Edm.') && meta.type(t)) {
            for (const u of meta.unknownProperties(t, value, { strict: true })) out.push(`${where}: ${p.name}.${u.path} is not a property of ${u.type}`);
          }
        }
      } else if (req.method === 'PATCH' || req.method === 'POST') {
        for (const u of meta.unknownProperties(elementOf(type), body, { strict: true })) out.push(`${where}: '${u.path}' is not a property of ${u.type}`);
      }
    }
    return out;
  }

  describe('driver request conformance (Microsoft\'s v1.0 CSDL)', () => {
    let sim: Simulator;
    const sent: Sent[] = [];
    const realFetch = globalThis.fetch;
    beforeAll(async () => {
      sim = await startTestSimulator({ seed: 'driver-conformance', users: 80 });
      globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
        const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
        let body: unknown = undefined;
        if (typeof init?.body === 'string') {
          try {
            body = JSON.parse(init.body);
          } catch {
            body = init.body;
          }
        }
        if (url.pathname.startsWith('/v1.0/') || url.pathname.startsWith('/beta/')) sent.push({ method, url, body });
        return realFetch(input, init);
      }) as typeof fetch;
    });
    afterAll(async () => {
      globalThis.fetch = realFetch;
      await sim?.close();
    });

    /** Every Graph request recorded, $batch parts expanded. */
    function graphRequests() {
      const out: { method: string; path: string; query: URLSearchParams; body: unknown; version: string }[] = [];
      for (const s of sent) {
        const version = s.url.pathname.split('/')[1]!;
        const path = s.url.pathname.slice(version.length + 1);
        if (path === '/$batch') {
          for (const r of (s.body as { requests: { method: string; url: string; body?: unknown }[] }).requests) {
            const u = new URL(r.url, 'https://graph.invalid/');
            out.push({ method: r.method, path: u.pathname, query: u.searchParams, body: r.body, version });
          }
        } else out.push({ method: s.method, path, query: s.url.searchParams, body: s.body, version });
      }
      return out;
    }

    it('sends only requests Graph v1.0 declares, for sync and for every offboarding operation', async () => {
      const d = driverFor(sim);
      const u: DirUser = sim.users().find((x) => x.kind === 'person' && !x.onPremisesSyncEnabled && x.managerId && x.hasOneDrive && sim.state.mailbox(x.id) && sim.state.managedDevicesOf(x.id).length > 0)!;
      const manager = sim.findUser(u.managerId!)!;
      const group = sim.admin.addGroup({ displayName: 'Conformance group', kind: 'security', members: [u.id] });
      const team = sim.admin.addGroup({ displayName: 'Conformance team', kind: 'unified', team: true, members: [u.id] });

      // Sync's reads.
      await d.directory.organization();
      await d.directory.subscribedSkus();
      await d.directory.userCount();
      const link = await d.directory.usersDelta(null, async () => undefined);
      await d.directory.usersDelta(link, async () => undefined);
      await d.directory.usersDelta(null, async () => undefined, { latest: true });
      await d.directory.getGroup(group.id);
      await d.directory.groupUsers(group.id, async () => undefined);
      const members = await d.directory.groupMembersDelta(group.id, null);
      await d.directory.groupMembersDelta(group.id, members.deltaLink);
      await d.directory.managedDevices();
      await d.directory.usersById([u.id, manager.id]);
      await d.directory.managersOf([u.id, manager.id]);

      // Offboarding's reads and writes, and undo's.
      const a = d.actions;
      await a.getUser(u.id);
      await a.getManager(u.id);
      await a.setAccountEnabled(u.id, false);
      await a.revokeSignInSessions(u.id);
      await a.resetPassword(u.id, 'Conformance-Password-1');
      const methods = await a.listAuthMethods(u.id);
      for (const m of methods.filter((x) => x.type !== 'passwordAuthenticationMethod')) await a.deleteAuthMethod(u.id, m);
      await a.listMemberships(u.id);
      await a.removeFromGroup(group.id, u.id);
      await a.addToGroup(group.id, u.id);
      await a.listJoinedTeams(u.id);
      await a.removeFromTeam(team.id, u.id);
      const licences = await a.listLicences(u.id);
      const direct = licences.filter((l) => l.via === 'direct').map((l) => l.skuId);
      await a.removeLicences(u.id, direct);
      await a.addLicences(u.id, direct);
      await a.getAutoReply(u.id);
      await a.setAutoReply(u.id, {
        status: 'scheduled',
        internalReplyMessage: 'Left',
        externalReplyMessage: 'Left',
        scheduledStartDateTime: { dateTime: '2030-01-01T00:00:00', timeZone: 'UTC' },
        scheduledEndDateTime: { dateTime: '2030-02-01T00:00:00', timeZone: 'UTC' },
      });
      for (const r of await a.listInboxRules(u.id)) await a.deleteInboxRule(u.id, r.id);
      for (const e of (await a.listOrganizedEvents(u.id, new Date())).slice(0, 2)) await a.cancelEvent(u.id, e.id, 'Cancelled');
      const drive = await a.getDrive(u.id);
      await a.grantDriveAccess(drive!.id, manager.mail!);
      const devices = await a.listManagedDevices(u.id);
      await a.retireDevice(devices[0]!.id);
      if (devices[1]) await a.wipeDevice(devices[1].id);
      await a.readBack(`/users/${u.id}`);
      await a.batch([{ method: 'PATCH', url: `/users/${u.id}`, body: { accountEnabled: true } }]);
      await a.deleteUser(u.id);
      await a.restoreUser(u.id);

      const requests = graphRequests();
      const distinct = new Set(requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{40,}/gi, '{id}')}`));
      expect(requests.every((r) => r.version === 'v1.0')).toBe(true);
      expect(distinct.size).toBeGreaterThanOrEqual(30);
      const problems = requests.flatMap(problemsOf);
      expect([...new Set(problems)]).toEqual([]);
    });

    it('finds what is wrong with a request Graph would not understand (the check can fail)', () => {
      const q = new URLSearchParams({ $select: 'id,favouriteColour', $filter: "shoeSize eq '9'" });
      expect(problemsOf({ method: 'GET', path: '/users/x', query: q, body: undefined })).toEqual([
        "GET /users/x: $select 'favouriteColour' is not a property of microsoft.graph.user",
        "GET /users/x: $filter 'shoeSize' is not a property of microsoft.graph.user",
      ]);
      expect(problemsOf({ method: 'POST', path: '/users/x/assignLicense', query: new URLSearchParams(), body: { addLicenses: [{ skuId: 'a', colour: 1 }], removeLicenses: [], reason: 'x' } })).toEqual([
        'POST /users/x/assignLicense: assignLicense has no parameter(s) reason',
        'POST /users/x/assignLicense: addLicenses.[0].colour is not a property of microsoft.graph.assignedLicense',
      ]);
      expect(problemsOf({ method: 'PATCH', path: '/users/x', query: new URLSearchParams(), body: { accountEnabled: false, mood: 'sad' } })).toEqual(["PATCH /users/x: 'mood' is not a property of microsoft.graph.user"]);
      expect(problemsOf({ method: 'DELETE', path: '/users/x/lockers/y', query: new URLSearchParams(), body: undefined })[0]).toMatch(/'lockers' is not a property/);
    });
  });
}
