import type { ComponentType } from 'react';
import { Navigate, RouterProvider, createBrowserRouter, type RouteObject } from 'react-router';
import { BASENAME } from './app/basename';
import { MetaProvider } from './app/MetaProvider';
import { NAV, type PageId } from './app/navigation';
import { OrgProvider } from './app/OrgProvider';
import { SessionProvider } from './app/SessionProvider';
import { AppShell } from './components/AppShell';
import { RequirePermission } from './components/RequirePermission';
import { AuditPage } from './pages/audit/AuditPage';
import { BillingPage } from './pages/billing/BillingPage';
import { IntegrationsPage } from './pages/integrations/IntegrationsPage';
import { InvitePage } from './pages/invite/InvitePage';
import { NewOffboardingPage } from './pages/new/NewOffboardingPage';
import { PrivacyPage, TermsPage } from './pages/legal/LegalPages';
import { NotFoundPage } from './pages/not-found/NotFoundPage';
import { OffboardingsPage } from './pages/offboardings/OffboardingsPage';
import { RunPage } from './pages/offboardings/RunPage';
import { PersonPage } from './pages/queue/PersonPage';
import { QueuePage } from './pages/queue/QueuePage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { TeamPage } from './pages/team/TeamPage';
import { TenantsPage } from './pages/tenants/TenantsPage';
import { WelcomePage } from './pages/welcome/WelcomePage';
import { HostThemeProvider } from './theme/HostThemeProvider';

export { BASENAME };

const pages: Record<PageId, ComponentType> = {
  queue: QueuePage,
  offboardings: OffboardingsPage,
  new: NewOffboardingPage,
  settings: SettingsPage,
  integrations: IntegrationsPage,
  team: TeamPage,
  billing: BillingPage,
  tenants: TenantsPage,
  audit: AuditPage,
};

const routes: RouteObject[] = [
  {
    path: '/',
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/queue" replace /> },
      { path: 'index.html', element: <Navigate to="/queue" replace /> },
      ...NAV.map((entry) => {
        const Component = pages[entry.id];
        return {
          path: entry.path.slice(1),
          element: (
            <RequirePermission entry={entry}>
              <Component />
            </RequirePermission>
          ),
        };
      }),
      // One run: under Offboardings in the navigation, with its permission.
      {
        path: 'offboardings/:runId',
        element: (
          <RequirePermission entry={NAV.find((e) => e.id === 'offboardings')!}>
            <RunPage />
          </RequirePermission>
        ),
      },
      // One person's checklist: under Queue in the navigation, with its permission.
      {
        path: 'people/:employeeId',
        element: (
          <RequirePermission entry={NAV.find((e) => e.id === 'queue')!}>
            <PersonPage />
          </RequirePermission>
        ),
      },
      { path: 'welcome', element: <WelcomePage /> },
      { path: 'invite/:token', element: <InvitePage /> },
      { path: 'privacy', element: <PrivacyPage /> },
      { path: 'terms', element: <TermsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const router = createBrowserRouter(routes, { basename: BASENAME });

export function App() {
  return (
    <HostThemeProvider>
      <MetaProvider>
        <SessionProvider>
          <OrgProvider>
            <RouterProvider router={router} />
          </OrgProvider>
        </SessionProvider>
      </MetaProvider>
    </HostThemeProvider>
  );
}
