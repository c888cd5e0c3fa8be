// Entry point: connect to the device, set up the words, draw the app.
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createDeviceApi } from './api/client';
import { connectToDevice } from './api/connect';
import { App } from './App';
import { createI18n } from './i18n';
import { installWedgeCapture } from './keyboard/wedgeCapture';
import { installPageGuards } from './pageGuards';
import './styles.css';

installPageGuards(window);
const api = createDeviceApi(connectToDevice());

// Keyboard-mode card readers: the first keydown/keyup listener on window, before React mounts, so no screen's handler
// ever sees a card's keys. Inert until the runtime says the page is where reads are detected (keyboard/wedgeCapture.ts).
// A read that cannot be delivered is lost like a bad swipe: the person scans again.
const wedgeCapture = installWedgeCapture(window, (read) => void api.call('device.keyboardRead', read).catch(() => undefined));
const followWedgeSettings = (): void =>
  void api.call('device.info', {}).then(
    (info) => wedgeCapture.configure(info.keyboardWedge),
    () => undefined,
  );
api.on('device.infoChanged', (info) => wedgeCapture.configure(info.keyboardWedge));
// Asked again after every reconnect: the web host restarts with a new runtime, whose site file may have changed.
api.onConnectionChange((state) => {
  if (state === 'connected') followWedgeSettings();
});
followWedgeSettings();
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
