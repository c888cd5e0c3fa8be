// Entry point of the facility console.
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { createConsoleI18n, initialLanguage } from './i18n';
import './styles.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');

createRoot(rootElement).render(
  <StrictMode>
    <I18nextProvider i18n={createConsoleI18n(initialLanguage())}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
