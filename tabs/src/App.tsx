import type { ComponentType } from 'react';
import { Navigate, RouterProvider, createBrowserRouter, type RouteObject } from 'react-router';
import { MetaProvider } from './app/MetaProvider';
import { NAV, type PageId } from './app/navigation';
import { AppShell } from './components/AppShell';
import { AuditPage } from './pages/audit/AuditPage';
import { BillingPage } from './pages/billing/BillingPage';
import { IntegrationsPage } from './pages/integrations/IntegrationsPage';
import { NewOffboardingPage } from './pages/new/NewOffboardingPage';
import { PrivacyPage, TermsPage } from './pages/legal/LegalPages';
import { NotFoundPage } from './pages/not-found/NotFoundPage';
import { OffboardingsPage } from './pages/offboardings/OffboardingsPage';
import { QueuePage } from './pages/queue/QueuePage';
import { TeamPage } from './pages/team/TeamPage';
import { TenantsPage } from './pages/tenants/TenantsPage';
import { HostThemeProvider } from './theme/HostThemeProvider';

/** The server serves the built pages here; Teams static tabs open /tabs/<page> directly. */
export const BASENAME = '/tabs';

const pages: Record<PageId, ComponentType> = {
  queue: QueuePage,
  offboardings: OffboardingsPage,
  new: NewOffboardingPage,
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
        return { path: entry.path.slice(1), element: <Component /> };
      }),
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
        <RouterProvider router={router} />
      </MetaProvider>
    </HostThemeProvider>
  );
}
