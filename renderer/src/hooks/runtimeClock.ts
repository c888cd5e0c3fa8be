// The runtime's clock as the page sees it: the page's own clock plus the difference the runtime last reported
// (DeviceInfo.clockAt). Countdowns on screen count to the runtime's deadlines (session end, idle sign-out, lockout), so
// they must use the runtime's time. On one machine the difference is a few milliseconds of transport; it matters where
// the runtime runs on a clock of its own (the e2e test clock moves it by days).
let offsetMs = 0;

/** Takes the runtime's time from a DeviceInfo that just arrived. */
export function followRuntimeClock(runtimeClockAt: number): void {
  offsetMs = runtimeClockAt - Date.now();
}

/** Now, on the runtime's clock. */
export function runtimeNow(): number {
  return Date.now() + offsetMs;
}
