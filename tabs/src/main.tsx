import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { completeConsentPopup } from './app/consent';

const container = document.getElementById('root');
if (!container) throw new Error('Offramp: the page has no #root element to render into.');

// Teams' admin-consent pop-up comes back to this page: hand the outcome to the tab (no-op elsewhere).
void completeConsentPopup();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
