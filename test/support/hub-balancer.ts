// Several hub processes behind one address, as a load balancer without stickiness puts them (docs/deployment-hub.md
// "Past one server"): a device's fetch whose every request — pushes, pulls, downloads, its change stream — goes to the
// next hub in turn, whatever hub address the device holds. A device therefore meets both hubs between two requests,
// and a pull cursor, a retried push or a stream made on one hub continues on the other.
//
// `failover` is a balancer's health check: a request whose hub cannot be connected to (the process is dead, its port
// closed) is sent on to the next hub at once instead of failing. Without it the device sees the dead hub as unreachable
// and retries by itself — what a balancer with no health check, or DNS round robin, does to it.

export interface HubBalancer {
  readonly fetch: typeof fetch;
  /** Requests each hub was sent, in the order of `origins` (a connection refused counts too). */
  readonly sent: number[];
}

/** True when fetch failed to connect at all: nothing reached the hub, so the request may go elsewhere. */
function refusedConnection(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}

export function hubBalancer(origins: readonly string[], options: { readonly failover?: boolean } = {}): HubBalancer {
  if (origins.length === 0) throw new Error('a balancer needs at least one hub');
  const sent = origins.map(() => 0);
  let next = 0;
  const balanced: typeof fetch = async (input, init) => {
    const asked = new URL(input instanceof Request ? input.url : String(input));
    const tries = options.failover === true ? origins.length : 1;
    for (let attempt = 1; ; attempt++) {
      const index = next;
      next = (next + 1) % origins.length;
      sent[index] = (sent[index] ?? 0) + 1;
      const target = new URL(`${asked.pathname}${asked.search}`, origins[index]);
      try {
        // A Request carries its own method, headers and body; the engine's hub client passes plain strings and init.
        return await fetch(input instanceof Request ? new Request(target, input) : target, init);
      } catch (error) {
        if (attempt >= tries || !refusedConnection(error)) throw error;
      }
    }
  };
  return { fetch: balanced, sent };
}
