// Entry point: connect to the device, set up the words, draw the app.
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createDeviceApi } from './api/client';
import { connectToDevice } from './api/connect';
import { App } from './App';
import { createI18n } from './i18n';
import './styles.css';

const api = createDeviceApi(connectToDevice());
const i18n = createI18n();

// Sign-out resets by reloading: the runtime has already moved on, and a fresh page holds nothing of the person.
const resetPage = (): void => window.location.reload();

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');

createRoot(rootElement).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App api={api} resetPage={resetPage} />
    </I18nextProvider>
  </StrictMode>,
);
