// A typed client for the hub's wire protocol (hub/protocol/wire.ts): enroll, pull, push, blob downloads and a
// tablet's assignment.
// Every response is parsed with the protocol's schemas, and every failure comes back as a typed value — an
// unreachable hub, a timeout, a refusal in the hub's words or a reply that does not fit the protocol — never a throw.
// It logs nothing: the bearer secret and the bodies it carries must not reach a log.
import {
  EnrollResponse,
  HubErrorBody,
  hubPaths,
  PullResponse,
  PushResponse,
  TabletAssignment,
  TabletReleaseResponse,
  type EnrollRequest,
  type TabletAssignRequest,
  type TabletReleaseRequest,
  type HubErrorCode,
  type PullRequest,
  type PushRequest,
} from '../../hub/protocol';
import { z } from 'zod';

export type HubFailure =
  /**
   * The hub could not be reached (refused, reset, DNS, TLS, dropped mid-body). `cause: 'tls'` when the connection was
   * refused because the certificate or the TLS handshake failed: staff fix that differently from a cable.
   */
  | { readonly kind: 'network'; readonly cause?: 'tls' }
  | { readonly kind: 'timeout' }
  /** The hub answered with an error status; `code` is null when the body was not the hub's error shape (a proxy's page). */
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly code: HubErrorCode | null;
      readonly message: string;
      /** staffPinWrong: the staff member's tries left at the hub. */
      readonly attemptsLeft?: number;
      /** staffLockedOut: until when. */
      readonly lockedUntil?: number;
      /** With a `mutationGap`: the id the hub expected next (absent from hubs that do not say). */
      readonly expectedMutationId?: number;
    }
  /** A 2xx answer that does not fit the protocol (not JSON, wrong shape, too large). */
  | { readonly kind: 'invalidResponse'; readonly problem: string }
  /** The caller gave up (the sync engine stopped); nobody is waiting for the answer. */
  | { readonly kind: 'aborted' };

/**
 * A pull answer whose envelope (cursor, hasMore, serverTime) fits the protocol and whose changes are not yet checked:
 * apply-pull checks each change with the protocol's Change schema, so a bad one is reported by its index and refuses
 * the batch whole.
 */
export const PullEnvelope = PullResponse.extend({ changes: z.array(z.unknown()) });
export type PullEnvelope = z.infer<typeof PullEnvelope>;

export type HubResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: HubFailure };

/** Where the bytes of a blob go while they arrive; either step may stop the download (too large, disk trouble). */
export interface BlobSink {
  start(contentLength: number | null): 'continue' | 'stop';
  write(chunk: Uint8Array): Promise<'continue' | 'stop'>;
}

export interface HubClientOptions {
  readonly hubUrl: string;
  /** The device's bearer secret; absent only for enrollment. */
  readonly secret?: string;
  readonly timeoutMs?: number;
  /** Blobs are larger than JSON replies: a whole download may take this long. */
  readonly blobTimeoutMs?: number;
  /** An app update is larger still (up to a gigabyte). */
  readonly updateTimeoutMs?: number;
  /** A JSON reply larger than this is refused without parsing. */
  readonly maxResponseBytes?: number;
  readonly fetch?: typeof fetch;
}

export interface HubClient {
  readonly hubUrl: string;
  enroll(request: EnrollRequest, signal?: AbortSignal): Promise<HubResult<EnrollResponse>>;
  pull(request: PullRequest, signal?: AbortSignal): Promise<HubResult<PullEnvelope>>;
  push(request: PushRequest, signal?: AbortSignal): Promise<HubResult<PushResponse>>;
  /** The tablet gives itself to the resident with this booking number (its service mode; main/tablet). */
  assignTablet(request: TabletAssignRequest, signal?: AbortSignal): Promise<HubResult<TabletAssignment>>;
  /** The tablet is taken back from the resident it serves. */
  releaseTablet(request: TabletReleaseRequest, signal?: AbortSignal): Promise<HubResult<TabletReleaseResponse>>;
  /** Streams GET blobs/<sha256> into the sink; `stopped` says the sink refused more. */
  fetchBlob(sha256: string, sink: BlobSink, signal?: AbortSignal): Promise<HubResult<{ readonly bytes: number; readonly stopped: boolean }>>;
  /** GET updates/<file>: the app update metadata for this device's build, as YAML text (main/update/). */
  fetchUpdateMetadata(fileName: string, signal?: AbortSignal): Promise<HubResult<string>>;
  /** Streams GET updates/<relative url> (the file the metadata names) into the sink, within the update timeout. */
  fetchUpdateFile(relativeUrl: string, sink: BlobSink, signal?: AbortSignal): Promise<HubResult<{ readonly bytes: number; readonly stopped: boolean }>>;
}

const defaultTimeoutMs = 20_000;
const defaultBlobTimeoutMs = 120_000;
const defaultUpdateTimeoutMs = 60 * 60_000;
/** An update's metadata is a few hundred bytes of YAML. */
const maxUpdateMetadataBytes = 64 * 1024;
/** A full pull batch of long messages fits well within this. */
const defaultMaxResponseBytes = 64 * 1024 * 1024;
const maxErrorBodyBytes = 64 * 1024;

class ResponseTooLarge extends Error {}

/**
 * A 2xx answer that names itself as a web page or text: a captive portal, or a load balancer sending the request to
 * the wrong backend, answered instead of the hub (which answers JSON, and blobs as application/octet-stream). Said
 * as such, so staff look at the network path rather than at the hub.
 */
function pageInsteadOfHub(response: Response): string | null {
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'an HTML page answered instead of the hub (a proxy or portal on the way?)';
  return type.startsWith('text/') ? `a ${type} answer instead of the hub's` : null;
}

/** Joins a protocol path onto the hub URL, keeping any path prefix the hub is served under. */
/**
 * Node's fetch reports a refused certificate or handshake as "fetch failed" with the TLS error as its cause (OpenSSL's
 * verify codes such as CERT_HAS_EXPIRED, Node's ERR_TLS_* and ERR_SSL_*, or EPROTO for https spoken to a plain server).
 */
const tlsErrorCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
]);

export function isTlsFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && (tlsErrorCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) return true;
  }
  return false;
}

export function hubEndpoint(hubUrl: string, path: string): URL {
  const base = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  return new URL(path.replace(/^\//, ''), base);
}

/**
 * One request's deadline and the caller's stop, owned by this client rather than by the fetch underneath. Every await
 * that waits on the network — the headers, each read of the body — is raced against it, so a body that stalls after
 * its headers ends at the timeout or at the stop even when the fetch does not pass the abort on to the stream it
 * returned (a wrapped fetch, a proxy's stream, a socket nothing will ever close): a sync step waiting on such a read
 * would otherwise never end, and `engine.stop()` (shutdown, wipe, re-enrollment) waits for every step. The timer is a
 * plain one, cleared when the request ends: AbortSignal.timeout's timer does not hold the process and is dropped
 * with its signal, so nothing guaranteed that it would ever fire.
 */
class RequestScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private timedOut = false;
  private readonly ended: Promise<never>;
  private readonly onCallerAbort = (): void => this.controller.abort(this.caller?.reason);

  constructor(
    timeoutMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.ended = new Promise<never>((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(new RequestEnded()), { once: true });
    });
    // Nobody may be racing when it ends (between two reads); the rejection is seen through race().
    this.ended.catch(() => undefined);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException('the hub did not answer in time', 'TimeoutError'));
    }, timeoutMs);
    if (caller?.aborted) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Given to fetch, so a fetch that honours it closes the connection too. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The work's outcome, or a RequestEnded throw as soon as the deadline passes or the caller stops. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.ended]);
  }

  /** Which of the two ended the request decides the failure; anything else is the network. */
  failure(error?: unknown): HubFailure {
    if (this.caller?.aborted) return { kind: 'aborted' };
    if (this.timedOut) return { kind: 'timeout' };
    return isTlsFailure(error) ? { kind: 'network', cause: 'tls' } : { kind: 'network' };
  }

  end(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

class RequestEnded extends Error {}

/**
 * Lets go of a body without waiting for it: a cancel is passed on to the stream's source, which may be the very thing
 * that stalled, so awaiting it could hang where the race above did not.
 */
function release(stream: { cancel(reason?: unknown): Promise<void> } | null | undefined): void {
  void stream?.cancel().catch(() => undefined);
}

async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number, scope: RequestScope): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await scope.race(reader.read());
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw new ResponseTooLarge();
      chunks.push(value);
    }
  } catch (error) {
    release(reader);
    throw error;
  }
  return Buffer.concat(chunks);
}

export function createHubClient(options: HubClientOptions): HubClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const blobTimeoutMs = options.blobTimeoutMs ?? defaultBlobTimeoutMs;
  const updateTimeoutMs = options.updateTimeoutMs ?? defaultUpdateTimeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;

  async function httpFailure(response: Response, scope: RequestScope): Promise<HubFailure> {
    let parsed: z.infer<typeof HubErrorBody> | null = null;
    try {
      const text = new TextDecoder().decode(await readLimited(response.body, maxErrorBodyBytes, scope));
      const result = HubErrorBody.safeParse(JSON.parse(text));
      if (result.success) parsed = result.data;
    } catch {
      // Not the hub's error shape (a proxy's HTML page, a truncated body): the status alone must do.
    }
    return parsed
      ? {
          kind: 'http',
          status: response.status,
          code: parsed.error.code,
          message: parsed.error.message,
          ...(parsed.error.attemptsLeft === undefined ? {} : { attemptsLeft: parsed.error.attemptsLeft }),
          ...(parsed.error.lockedUntil === undefined ? {} : { lockedUntil: parsed.error.lockedUntil }),
          ...(parsed.error.expectedMutationId === undefined ? {} : { expectedMutationId: parsed.error.expectedMutationId }),
        }
      : { kind: 'http', status: response.status, code: null, message: `HTTP ${response.status}` };
  }

  async function postJson<S extends z.ZodType>(path: string, body: unknown, schema: S, caller: AbortSignal | undefined): Promise<HubResult<z.output<S>>> {
    const scope = new RequestScope(timeoutMs, caller);
    try {
      return await postJsonWithin(path, body, schema, scope);
    } finally {
      scope.end();
    }
  }

  async function postJsonWithin<S extends z.ZodType>(path: string, body: unknown, schema: S, scope: RequestScope): Promise<HubResult<z.output<S>>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.secret !== undefined) headers.authorization = `Bearer ${options.secret}`;
    let response: Response;
    try {
      // No redirects: the bearer secret goes to the hub's own address or nowhere.
      response = await scope.race(
        fetchImpl(hubEndpoint(options.hubUrl, path), { method: 'POST', headers, body: JSON.stringify(body), signal: scope.signal, redirect: 'manual' }),
      );
    } catch (error) {
      return { ok: false, failure: scope.failure(error) };
    }
    let bytes: Uint8Array;
    try {
      if (!response.ok) return { ok: false, failure: await httpFailure(response, scope) };
      bytes = await readLimited(response.body, maxResponseBytes, scope);
    } catch (error) {
      if (error instanceof ResponseTooLarge) return { ok: false, failure: { kind: 'invalidResponse', problem: `larger than ${maxResponseBytes} bytes` } };
      // The body was cut off or timed out on its way: the network's doing, not the hub's.
      return { ok: false, failure: scope.failure() };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      const page = pageInsteadOfHub(response);
      return { ok: false, failure: { kind: 'invalidResponse', problem: page === null ? 'not JSON' : `not JSON: ${page}` } };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      // The path names the field, never its value: values may be personal data.
      return {
        ok: false,
        failure: { kind: 'invalidResponse', problem: first ? `${first.path.join('.') || 'body'}: ${first.code}` : 'does not fit the protocol' },
      };
    }
    return { ok: true, value: parsed.data };
  }

  /** GET an update's metadata file: YAML text, at most maxUpdateMetadataBytes. */
  async function fetchUpdateMetadataWithin(fileName: string, scope: RequestScope): Promise<HubResult<string>> {
    const headers: Record<string, string> = { accept: 'text/yaml' };
    if (options.secret !== undefined) headers.authorization = `Bearer ${options.secret}`;
    let response: Response;
    try {
      response = await scope.race(
        fetchImpl(hubEndpoint(options.hubUrl, `${hubPaths.updates}/${encodeURIComponent(fileName)}`), { headers, signal: scope.signal, redirect: 'manual' }),
      );
    } catch (error) {
      return { ok: false, failure: scope.failure(error) };
    }
    try {
      if (!response.ok) return { ok: false, failure: await httpFailure(response, scope) };
      const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (type !== 'text/yaml') {
        release(response.body);
        return {
          ok: false,
          failure: { kind: 'invalidResponse', problem: pageInsteadOfHub(response) ?? `a ${type || 'untyped'} answer instead of update metadata` },
        };
      }
      return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(await readLimited(response.body, maxUpdateMetadataBytes, scope)) };
    } catch (error) {
      if (error instanceof ResponseTooLarge) return { ok: false, failure: { kind: 'invalidResponse', problem: `larger than ${maxUpdateMetadataBytes} bytes` } };
      if (error instanceof TypeError) return { ok: false, failure: { kind: 'invalidResponse', problem: 'not UTF-8 text' } };
      return { ok: false, failure: scope.failure() };
    }
  }

  /** Streams a GET of bytes (a blob, an update's file) into the sink. */
  async function fetchBytesWithin(
    path: string,
    sink: BlobSink,
    scope: RequestScope,
  ): Promise<HubResult<{ readonly bytes: number; readonly stopped: boolean }>> {
    const headers: Record<string, string> = { accept: 'application/octet-stream' };
    if (options.secret !== undefined) headers.authorization = `Bearer ${options.secret}`;
    let response: Response;
    try {
      response = await scope.race(fetchImpl(hubEndpoint(options.hubUrl, path), { headers, signal: scope.signal, redirect: 'manual' }));
    } catch {
      return { ok: false, failure: scope.failure() };
    }
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    try {
      if (!response.ok) return { ok: false, failure: await httpFailure(response, scope) };
      // A portal's page is not a damaged attachment: counted as one, the blob would wait ever longer before another
      // try (blobs.ts), though the network path, not the blob, was at fault. As the network's fault it is tried again.
      const page = pageInsteadOfHub(response);
      if (page !== null) {
        release(response.body);
        return { ok: false, failure: { kind: 'invalidResponse', problem: page } };
      }
      const lengthHeader = response.headers.get('content-length');
      const contentLength = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
      if (sink.start(contentLength) === 'stop') {
        release(response.body);
        return { ok: true, value: { bytes: 0, stopped: true } };
      }
      if (!response.body) return { ok: true, value: { bytes: 0, stopped: false } };
      reader = response.body.getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await scope.race(reader.read());
        if (done) return { ok: true, value: { bytes, stopped: false } };
        bytes += value.byteLength;
        // Not raced: the sink writes to the device's disk and must be done before the caller closes or removes the file.
        if ((await sink.write(value)) === 'stop') {
          release(reader);
          return { ok: true, value: { bytes, stopped: true } };
        }
      }
    } catch {
      release(reader ?? response.body);
      return { ok: false, failure: scope.failure() };
    }
  }

  return {
    hubUrl: options.hubUrl,
    enroll: (request, signal) => postJson(hubPaths.enroll, request, EnrollResponse, signal),
    pull: (request, signal) => postJson(hubPaths.pull, request, PullEnvelope, signal),
    push: (request, signal) => postJson(hubPaths.push, request, PushResponse, signal),
    assignTablet: (request, signal) => postJson(hubPaths.tabletAssign, request, TabletAssignment, signal),
    releaseTablet: (request, signal) => postJson(hubPaths.tabletRelease, request, TabletReleaseResponse, signal),

    async fetchBlob(sha256, sink, caller) {
      // The whole download, body included, is bounded by the blob timeout and ends at the caller's stop.
      const scope = new RequestScope(blobTimeoutMs, caller);
      try {
        return await fetchBytesWithin(`${hubPaths.blobs}/${encodeURIComponent(sha256)}`, sink, scope);
      } finally {
        scope.end();
      }
    },

    async fetchUpdateMetadata(fileName, caller) {
      const scope = new RequestScope(timeoutMs, caller);
      try {
        return await fetchUpdateMetadataWithin(fileName, scope);
      } finally {
        scope.end();
      }
    },

    async fetchUpdateFile(relativeUrl, sink, caller) {
      const scope = new RequestScope(updateTimeoutMs, caller);
      try {
        return await fetchBytesWithin(`${hubPaths.updates}/${relativeUrl}`, sink, scope);
      } finally {
        scope.end();
      }
    },
  };
}

/** A failure in words for logs and status: codes and statuses only, never a body or the secret. */
export function describeHubFailure(failure: HubFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'the hub could not be reached';
    case 'timeout':
      return 'the hub did not answer in time';
    case 'http':
      return failure.code ? `the hub refused the request (${failure.status} ${failure.code})` : `the hub answered with HTTP ${failure.status}`;
    case 'invalidResponse':
      return `the hub's answer did not fit the protocol (${failure.problem})`;
    case 'aborted':
      return 'the request was stopped on this device';
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}
