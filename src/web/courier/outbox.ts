// 待发送: parcels the courier submitted that have not reached the server yet. A courier in a
// basement loses the network mid-submit; the entry stays on the phone (localStorage) with its
// Idempotency-Key and is sent again with that same key until the server answers, so nothing is
// lost and nothing is created twice, while the courier goes on entering the next parcel.
import { useSyncExternalStore } from 'react';
import { ApiError, api, errorMessage, isTransient, newIdempotencyKey } from '../api.js';
import type { Parcel } from '../api-types.js';

export interface CourierEntry {
  communityId: number;
  trackingNo: string;
  recipientPhone: string;
  recipientName: string;
}

export interface QueuedEntry {
  key: string;
  body: CourierEntry;
  communityName: string;
  queuedAt: string;
  /** sending: on the wire; waiting (待发送): no answer yet, retried; failed: the server refused it. */
  state: 'sending' | 'waiting' | 'failed';
  attempts: number;
  error?: string;
}

export type SendResult = { key: string } & ({ ok: true; parcel: Parcel } | { ok: false; retrying: boolean; error: string; code: string });

/** How often waiting entries are sent again while any are left. */
export const RETRY_EVERY_MS = 10_000;

/** The queue of one courier (by phone) on this device, persisted in localStorage. */
export class Outbox {
  private entries: QueuedEntry[];
  private readonly inFlight = new Set<string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storageKey: string) {
    this.entries = this.read().map((e) => (e.state === 'sending' ? { ...e, state: 'waiting' } : e));
  }

  private read(): QueuedEntry[] {
    try {
      const raw = localStorage.getItem(this.storageKey);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as QueuedEntry[]) : [];
    } catch {
      return [];
    }
  }

  private write(next: QueuedEntry[]): void {
    this.entries = next;
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(next));
    } catch {
      // storage full or blocked: the queue still lives for this page
    }
    for (const l of this.listeners) l();
  }

  private update(key: string, patch: Partial<QueuedEntry>): void {
    this.write(this.entries.map((e) => (e.key === key ? { ...e, ...patch } : e)));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): QueuedEntry[] => this.entries;

  /** Queues a new submission (kept before anything is sent) and sends it. */
  submit(body: CourierEntry, communityName: string): Promise<SendResult> {
    const entry: QueuedEntry = { key: newIdempotencyKey(), body, communityName, queuedAt: new Date().toISOString(), state: 'sending', attempts: 0 };
    this.write([...this.entries, entry]);
    return this.send(entry.key);
  }

  /** Sends one entry with its own key; a refusal stays visible as failed, a lost answer as waiting. */
  async send(key: string): Promise<SendResult> {
    const entry = this.entries.find((e) => e.key === key);
    if (!entry) return { key, ok: false, retrying: false, error: '', code: 'gone' };
    if (this.inFlight.has(key)) return { key, ok: false, retrying: true, error: '', code: 'in_flight' };
    this.inFlight.add(key);
    this.update(key, { state: 'sending', attempts: entry.attempts + 1 });
    try {
      const parcel = await api.post<Parcel>('/api/courier/parcels', entry.body, { 'Idempotency-Key': key });
      this.write(this.entries.filter((e) => e.key !== key));
      return { key, ok: true, parcel };
    } catch (err) {
      const retrying = isTransient(err);
      const error = errorMessage(err);
      this.update(key, { state: retrying ? 'waiting' : 'failed', error });
      return { key, ok: false, retrying, error, code: err instanceof ApiError ? err.code : 'error' };
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Sends every waiting entry again, one after another (oldest first). */
  async retryWaiting(): Promise<void> {
    for (const e of this.entries.filter((x) => x.state === 'waiting')) await this.send(e.key);
  }

  remove(key: string): void {
    this.write(this.entries.filter((e) => e.key !== key));
  }
}

const outboxes = new Map<string, Outbox>();

/** The outbox of the signed-in courier (one per phone, so couriers sharing a phone never mix). */
export function outboxFor(courierPhone: string): Outbox {
  let box = outboxes.get(courierPhone);
  if (!box) {
    box = new Outbox(`kd.courier.outbox.${courierPhone}`);
    outboxes.set(courierPhone, box);
  }
  return box;
}

/** The entries of an outbox, re-rendering when they change. */
export function useOutbox(box: Outbox): QueuedEntry[] {
  return useSyncExternalStore(box.subscribe, box.snapshot);
}
