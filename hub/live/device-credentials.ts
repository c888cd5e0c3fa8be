// The devices this hub process has recently authenticated, by the hash of their credential, so that a pull or a stream
// does not ask the database who is calling (docs/sync.md §11 "Live changes"). Only devices in good standing are kept.
// A commit note naming a device (revoked, assigned, released, a new scope) drops it here, in this process at once and
// in every other process as the note arrives; a gap in the notes drops everything, and while notes are not being heard
// nothing is remembered at all — a revocation must never be missed for want of a note.
import type { CommitNote, CommitWatcher } from '../db/commit-notes';
import type { DeviceRow } from '../services/devices';

/** Enough for every device of a large state system; beyond it the least recently used are asked for again. */
export const defaultCredentialCacheSize = 50_000;

export class DeviceCredentialCache implements CommitWatcher {
  private listening = false;
  /** Insertion order is use order: a hit moves the entry to the end, the oldest is first. */
  private readonly bySecretHash = new Map<string, DeviceRow>();
  private readonly secretHashByDevice = new Map<string, string>();
  /** Counts notes naming devices and gaps; a read is kept only if nothing about its device was heard while it ran. */
  private clock = 0;
  private readonly changedAt = new Map<string, number>();
  private gapAt = 0;

  constructor(private readonly maxEntries = defaultCredentialCacheSize) {}

  get size(): number {
    return this.bySecretHash.size;
  }

  /** The device this credential hash names, if it is remembered; never a revoked one. */
  find(secretHash: string): DeviceRow | null {
    if (!this.listening) return null;
    const device = this.bySecretHash.get(secretHash);
    if (device === undefined) return null;
    this.bySecretHash.delete(secretHash);
    this.bySecretHash.set(secretHash, device);
    return device;
  }

  /** Take before reading a device from the database; pass to remember. */
  ticket(): number {
    return this.clock;
  }

  /**
   * Remembers a device the database just authenticated, unless a note about it (or a gap) was heard since `ticket`:
   * then the row read may predate a revocation, and it is asked for again next time.
   */
  remember(device: DeviceRow, ticket: number): void {
    if (!this.listening || device.revoked_at !== null || this.gapAt > ticket || (this.changedAt.get(device.device_id) ?? -1) > ticket) return;
    this.forgetDevice(device.device_id);
    this.bySecretHash.set(device.secret_hash, device);
    this.secretHashByDevice.set(device.device_id, device.secret_hash);
    while (this.bySecretHash.size > this.maxEntries) {
      const oldest = this.bySecretHash.keys().next();
      if (oldest.done === true) break;
      const row = this.bySecretHash.get(oldest.value);
      this.bySecretHash.delete(oldest.value);
      if (row !== undefined) this.secretHashByDevice.delete(row.device_id);
    }
  }

  forgetDevice(deviceId: string): void {
    const hash = this.secretHashByDevice.get(deviceId);
    if (hash === undefined) return;
    this.secretHashByDevice.delete(deviceId);
    this.bySecretHash.delete(hash);
  }

  committed(note: CommitNote): void {
    if (note.devices.length === 0) return;
    this.clock += 1;
    for (const deviceId of note.devices) {
      this.forgetDevice(deviceId);
      this.changedAt.set(deviceId, this.clock);
    }
  }

  gap(): void {
    this.listening = false;
    this.clock += 1;
    this.gapAt = this.clock;
    this.changedAt.clear();
    this.bySecretHash.clear();
    this.secretHashByDevice.clear();
  }

  watching(): void {
    this.listening = true;
  }
}
