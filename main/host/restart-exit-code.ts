/**
 * Exit status when staff restart the app from service mode (sysexits EX_TEMPFAIL): the supervisor starts the app again
 * on it — the systemd units in deploy/linux/ (`Restart=always`), `npm start`'s wrapper, or any loop that reruns on 75.
 * Its own module so the web host's CLI and the Electron shell share it without one importing the other's start-up.
 */
export const exitCodeRestartRequested = 75;
