// 入库 at the scanner's pace: every scan is kept (localStorage) before anything is sent, and the
// scans are sent one after another in the order they were made, each with its own
// Idempotency-Key, so a scan made while the last one is still on the wire waits its turn and none
// is lost, also across a page reload. A scan the server refuses stays in the list with its reason
// and stops nothing else; one whose answer was lost is sent again with the same key.
import { useSyncExternalStore } from 'react';
import { ApiError, api, errorMessage, isTransient, newIdempotencyKey } from '../../../api.js';
import type { LookupResult, Parcel } from '../../../api-types.js';

/** What the batch fixes for every scan: the community, and optionally the courier, carrier and shelf. */
export interface Batch {
  communityId: number;
  courierId?: number;
  carrier?: string;
  shelfId?: number;
}

export interface DeskScan extends Batch {
  key: string;
  trackingNo: string;
  /** What the clerk typed: a whole phone, its last 4 digits, or nothing (lookup then finds it). */
  phone: string;
  damaged: boolean;
  scannedAt: string;
  /**
   * queued: waits its turn; sending: on the wire; waiting: no answer, sent again; needs_phone: no
   * phone is known, the clerk must type one; failed: refused; done: received, with its parcel.
   */
  state: 'queued' | 'sending' | 'waiting' | 'needs_phone' | 'failed' | 'done';
  attempts: number;
  error?: string;
  /** Who it is for, as lookup found or the server answered. */
  recipientName?: string;
  recipientPhone?: string;
  /** The recipient's 收件偏好 as lookup found it (SPEC §19); null: they said nothing. */
  preference?: LookupResult['preference'];
  parcel?: Parcel;
}

/** A problem the clerk must see (a beep and a red row). */
export type Alarm = (scan: DeskScan) => void;

/** Done scans kept in the list (the newest); the ones still to act on are all kept. */
const KEEP_DONE = 200;
/** How long to wait before sending again after an answer got lost. */
const RETRY_AFTER_MS = 3_000;
const PHONE = /^1\d{10}$/;
const TAIL = /^\d{4}$/;

export class DeskQueue {
  private scans: DeskScan[];
  private readonly listeners = new Set<() => void>();
  private pumping = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  alarm: Alarm = () => undefined;

  constructor(private readonly storageKey: string) {
    // A scan that was on the wire when the page went away is sent again, with its key.
    this.scans = this.read().map((s) => (s.state === 'sending' || s.state === 'waiting' ? { ...s, state: 'queued' } : s));
  }

  private read(): DeskScan[] {
    try {
      const raw = localStorage.getItem(this.storageKey);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as DeskScan[]) : [];
    } catch {
      return [];
    }
  }

  private write(next: DeskScan[]): void {
    const done = next.filter((s) => s.state === 'done');
    const drop = new Set(done.slice(0, Math.max(0, done.length - KEEP_DONE)).map((s) => s.key));
    this.scans = drop.size ? next.filter((s) => !drop.has(s.key)) : next;
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(this.scans));
    } catch {
      // storage full or blocked: the queue still lives for this page
    }
    for (const l of this.listeners) l();
  }

  private update(key: string, patch: Partial<DeskScan>): DeskScan | undefined {
    this.write(this.scans.map((s) => (s.key === key ? { ...s, ...patch } : s)));
    return this.scans.find((s) => s.key === key);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): DeskScan[] => this.scans;

  /** Keeps a scan, then sends what is queued, in order (`preference`: what the phone box's lookup found). */
  scan(batch: Batch, trackingNo: string, phone: string, damaged: boolean, preference?: DeskScan['preference']): void {
    const entry: DeskScan = {
      ...batch,
      key: newIdempotencyKey(),
      trackingNo,
      phone,
      damaged,
      ...(preference ? { preference } : {}),
      scannedAt: new Date().toISOString(),
      state: 'queued',
      attempts: 0,
    };
    this.write([...this.scans, entry]);
    void this.pump();
  }

  /** The phone (or its tail) for a scan nobody knew the recipient of: it is sent again, as a new request. */
  supplyPhone(key: string, phone: string, preference?: DeskScan['preference']): void {
    // A new key: the first request created nothing, and this one has another body.
    this.write(
      this.scans.map((s) =>
        s.key === key ? { ...s, phone, state: 'queued', error: undefined, key: newIdempotencyKey(), ...(preference ? { preference } : {}) } : s,
      ),
    );
    void this.pump();
  }

  remove(key: string): void {
    this.write(this.scans.filter((s) => s.key !== key));
  }

  clearDone(): void {
    this.write(this.scans.filter((s) => s.state !== 'done'));
  }

  /** Sends queued scans one at a time, oldest first; an answer lost pauses the queue and tries again. */
  async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    clearTimeout(this.retryTimer);
    try {
      for (;;) {
        const next = this.scans.find((s) => s.state === 'queued' || s.state === 'waiting');
        if (!next) return;
        const ok = await this.send(next);
        if (!ok) {
          this.retryTimer = setTimeout(() => void this.pump(), RETRY_AFTER_MS);
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** One scan: lookup when no phone was typed, then desk intake. False when the answer was lost. */
  private async send(scan: DeskScan): Promise<boolean> {
    const sending = this.update(scan.key, { state: 'sending', attempts: scan.attempts + 1 });
    if (!sending) return true;
    const body: Record<string, unknown> = { communityId: scan.communityId, trackingNo: scan.trackingNo };
    if (scan.courierId) body.courierId = scan.courierId;
    if (scan.carrier) body.carrier = scan.carrier;
    if (scan.shelfId) body.shelfId = scan.shelfId;
    if (scan.damaged) body.damaged = true;
    try {
      const phone = scan.phone.replace(/\s+/g, '');
      if (PHONE.test(phone)) body.recipientPhone = phone;
      else if (TAIL.test(phone)) body.phoneTail = phone;
      else if (phone) return this.refuse(scan.key, 'needs_phone', '请输入11位手机号或手机后4位');
      else {
        // Scan → phone: what is known of this number (pre-advice, history) fills the recipient.
        const known = await api.get<LookupResult>('/api/parcels/lookup', { communityId: scan.communityId, trackingNo: scan.trackingNo });
        this.update(scan.key, { recipientPhone: known.recipientPhone, recipientName: known.recipientName, preference: known.preference ?? null });
        body.recipientPhone = known.recipientPhone;
        if (known.recipientName) body.recipientName = known.recipientName;
        if (!scan.carrier && known.carrier) body.carrier = known.carrier;
      }
      const parcel = await api.post<Parcel>('/api/parcels/desk-intake', body, { 'Idempotency-Key': scan.key });
      this.update(scan.key, { state: 'done', parcel, error: undefined, recipientName: parcel.recipientName, recipientPhone: parcel.recipientPhone });
      return true;
    } catch (err) {
      if (isTransient(err)) {
        this.update(scan.key, { state: 'waiting', error: errorMessage(err) });
        return false;
      }
      const code = err instanceof ApiError ? err.code : '';
      if (code === 'not_found') return this.refuse(scan.key, 'needs_phone', '未查到收件人，请输入手机号或手机后4位');
      if (code === 'phone_required' || code === 'ambiguous') return this.refuse(scan.key, 'needs_phone', errorMessage(err));
      return this.refuse(scan.key, 'failed', errorMessage(err));
    }
  }

  private refuse(key: string, state: 'needs_phone' | 'failed', error: string): true {
    const scan = this.update(key, { state, error });
    if (scan) this.alarm(scan);
    return true;
  }
}

const queues = new Map<string, DeskQueue>();

/** The desk queue of one staff member on this device. */
export function deskQueueFor(staffId: number): DeskQueue {
  const key = `kd.desk.scans.${staffId}`;
  let q = queues.get(key);
  if (!q) {
    q = new DeskQueue(key);
    queues.set(key, q);
  }
  return q;
}

export function useDeskQueue(q: DeskQueue): DeskScan[] {
  return useSyncExternalStore(q.subscribe, q.snapshot);
}

/** A short tone: low for a problem, high for done (WebAudio; silent where it is not allowed). */
export function beep(kind: 'problem' | 'done'): void {
  try {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    beepContext ??= new Ctx();
    const ctx = beepContext;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = kind === 'problem' ? 220 : 880;
    osc.type = kind === 'problem' ? 'square' : 'sine';
    gain.gain.value = 0.08;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (kind === 'problem' ? 0.35 : 0.08));
  } catch {
    // no sound on this device
  }
}
let beepContext: AudioContext | undefined;
