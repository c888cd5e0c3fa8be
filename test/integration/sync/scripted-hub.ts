// A stand-in for the hub, on a real loopback HTTP server, for the device-only sync tests: an ordered change log served
// by pull with an offset cursor, push with the exactly-once rule of docs/sync.md §7 "Push and exactly-once", blobs by hash, enrollment by one code, and a
// bearer check. Every JSON answer goes through the protocol's schemas (see stand-in-hub.ts). It is not the hub: the
// device ↔ real hub tests come once the hub lands.
import type { Change, MutationResult, PullRequest, PushedMutation as Mutation, PushRequest, RefusalCode } from '../../../hub/protocol';
import { reply, startStandInHub, type HubReply, type HubRequest, type StandInHub } from '../../unit/sync/stand-in-hub';

export class ScriptedHub {
  readonly log: Change[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly applied: Mutation[] = [];
  lastMutationId = 0;
  /** While set, every request gets this answer (a 503 from a proxy, a hang…). */
  outage: HubReply | null = null;
  /** Refuse a mutation for a business reason (still counts as done). */
  refuse: (mutation: Mutation) => { code: RefusalCode; reason: string } | null = () => null;
  /** A broken hub: pull answers skip the protocol check, so a test can send a change the device must refuse. */
  sendsUncheckedChanges = false;
  /** The next push is applied here but its answer is lost on the way back (a proxy answers 502 instead). */
  losesNextPushAnswer = false;
  pulls = 0;
  pushes = 0;
  readonly enrollCode = 'ABCD-2345';
  /** Mutable: a test rotates it to play a hub that no longer accepts the device. */
  secret = 'hub-secret-'.padEnd(48, 'x');
  readonly deviceId = 'dev-kiosk-1';
  private server: StandInHub | null = null;

  get url(): string {
    if (!this.server) throw new Error('the scripted hub is not started');
    return this.server.url;
  }

  async start(): Promise<this> {
    this.server = await startStandInHub((request) => this.answer(request));
    return this;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  get requests(): readonly HubRequest[] {
    return this.server?.requests ?? [];
  }

  private answer(request: HubRequest): HubReply {
    if (this.outage) return this.outage;
    if (request.path === '/v1/enroll') {
      const body = request.body as { code?: string };
      if (body.code !== this.enrollCode) return reply.error(404, 'enrollmentCodeInvalid');
      return reply.enroll({ deviceId: this.deviceId, secret: this.secret, siteId: 'site-1', siteName: 'Riverbend', kind: 'kiosk', housingUnitId: 'B' });
    }
    if (request.authorization !== `Bearer ${this.secret}`) return reply.error(401, 'unauthorized');
    if (request.path === '/v1/pull') return this.pull(request.body as PullRequest);
    if (request.path === '/v1/push') return this.push(request.body as PushRequest);
    if (request.path.startsWith('/v1/blobs/')) {
      const bytes = this.blobs.get(request.path.slice('/v1/blobs/'.length));
      return bytes ? reply.bytes(bytes) : reply.error(404, 'notFound');
    }
    return reply.error(404, 'notFound');
  }

  private pull(request: PullRequest): HubReply {
    this.pulls += 1;
    const from = request.cursor === null ? 0 : Number(request.cursor);
    const to = Math.min(this.log.length, from + (request.limit ?? 500));
    const answer = { changes: this.log.slice(from, to), cursor: String(to), hasMore: to < this.log.length, serverTime: 1 };
    return this.sendsUncheckedChanges ? { kind: 'json', status: 200, body: answer } : reply.pull(answer);
  }

  private push(request: PushRequest): HubReply {
    this.pushes += 1;
    if (request.deviceId !== this.deviceId) return reply.error(403, 'deviceMismatch');
    const results: MutationResult[] = [];
    for (const mutation of request.mutations) {
      if (mutation.id <= this.lastMutationId) continue;
      if (mutation.id > this.lastMutationId + 1) return reply.error(409, 'mutationGap', `expected ${this.lastMutationId + 1}`);
      const refusal = this.refuse(mutation);
      if (refusal) results.push({ id: mutation.id, status: 'refused', ...refusal });
      else {
        this.applied.push(mutation);
        results.push({ id: mutation.id, status: 'applied' });
      }
      this.lastMutationId = mutation.id;
    }
    if (this.losesNextPushAnswer) {
      this.losesNextPushAnswer = false;
      return reply.raw(502, 'Bad Gateway');
    }
    return reply.push({ lastMutationId: this.lastMutationId, results });
  }
}
