import { type Transaction } from 'plaid';

/** A generated transaction is kept as its generator index; anything else as a full object. */
export type TransactionSource = number | Transaction;

export interface LogEntry {
  readonly seq: number;
  readonly id: string;
  readonly accountId: string;
  readonly source: TransactionSource;
  readonly pending: boolean;
  readonly addedAt: number;
  modifiedAt: number;
  /** 0 while the transaction is present. */
  removedAt: number;
  patch: Partial<Transaction> | null;
}

export type ChangeKind = 'added' | 'modified' | 'removed';

export interface Change {
  readonly kind: ChangeKind;
  readonly entry: LogEntry;
}

export interface NewEntry {
  id: string;
  accountId: string;
  source: TransactionSource;
  pending: boolean;
}

/** Mutations inside one `commit` share a version, so a sync never sees half of them. */
export interface LogWriter {
  add(entry: NewEntry): LogEntry;
  modify(id: string, patch: Partial<Transaction>): LogEntry;
  remove(id: string): LogEntry;
}

/**
 * An item's transactions as an append-only journal of versioned changes. Version v is the state after
 * the v-th commit; `changesSince(v)` is the diff from that state to the current one, ordered by the
 * time of each transaction's last change (Plaid orders sync arrays by ascending last-modified time).
 */
export class TransactionLog {
  private current = 0;
  private readonly entries: LogEntry[] = [];
  private readonly byId = new Map<string, LogEntry>();
  // Parallel arrays: journal position → (version, entry seq). Far cheaper than objects at 100k+ rows.
  private readonly journalVersion: number[] = [];
  private readonly journalSeq: number[] = [];
  private present = 0;
  private pendingPresent = 0;
  private cached: { from: number; to: number; changes: Change[] } | null = null;

  get version(): number {
    return this.current;
  }

  get size(): number {
    return this.present;
  }

  get pendingCount(): number {
    return this.pendingPresent;
  }

  get(id: string): LogEntry | undefined {
    return this.byId.get(id);
  }

  /** Present transactions, newest first (the last added is the most recent). */
  *presentNewestFirst(): Generator<LogEntry> {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.removedAt === 0) yield e;
    }
  }

  /** Runs `fn` as one commit. The version only moves if something changed. */
  commit<T>(fn: (writer: LogWriter) => T): T {
    const version = this.current + 1;
    let touched = false;
    const record = (entry: LogEntry): void => {
      touched = true;
      this.journalVersion.push(version);
      this.journalSeq.push(entry.seq);
    };
    const writer: LogWriter = {
      add: (init) => {
        if (this.byId.has(init.id)) throw new Error(`duplicate transaction id ${init.id}`);
        const entry: LogEntry = {
          seq: this.entries.length,
          id: init.id,
          accountId: init.accountId,
          source: init.source,
          pending: init.pending,
          addedAt: version,
          modifiedAt: version,
          removedAt: 0,
          patch: null,
        };
        this.entries.push(entry);
        this.byId.set(entry.id, entry);
        this.present++;
        if (entry.pending) this.pendingPresent++;
        record(entry);
        return entry;
      },
      modify: (id, patch) => {
        const entry = this.live(id);
        entry.patch = { ...entry.patch, ...patch };
        entry.modifiedAt = version;
        record(entry);
        return entry;
      },
      remove: (id) => {
        const entry = this.live(id);
        entry.removedAt = version;
        this.present--;
        if (entry.pending) this.pendingPresent--;
        record(entry);
        return entry;
      },
    };
    const result = fn(writer);
    if (touched) {
      this.current = version;
      this.cached = null;
    }
    return result;
  }

  /**
   * The diff between version `from` and the current version: added (new since `from` and still present),
   * modified (present at `from`, changed since, still present), removed (present at `from`, gone now).
   * Transactions added and removed after `from` do not appear at all.
   */
  changesSince(from: number): Change[] {
    if (!Number.isInteger(from) || from < 0 || from > this.current) {
      throw new RangeError(`version ${from} is not in 0..${this.current}`);
    }
    if (this.cached && this.cached.from === from && this.cached.to === this.current)
      return this.cached.changes;
    const start = this.firstJournalIndexAfter(from);
    const lastPosition = new Map<number, number>();
    for (let j = start; j < this.journalSeq.length; j++) lastPosition.set(this.journalSeq[j], j);
    const changes: Change[] = [];
    for (let j = start; j < this.journalSeq.length; j++) {
      const seq = this.journalSeq[j];
      if (lastPosition.get(seq) !== j) continue;
      const entry = this.entries[seq];
      const isPresent = entry.removedAt === 0;
      if (entry.addedAt > from) {
        if (isPresent) changes.push({ kind: 'added', entry });
      } else if (!isPresent) {
        changes.push({ kind: 'removed', entry });
      } else {
        changes.push({ kind: 'modified', entry });
      }
    }
    this.cached = { from, to: this.current, changes };
    return changes;
  }

  private firstJournalIndexAfter(version: number): number {
    let lo = 0;
    let hi = this.journalVersion.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.journalVersion[mid] <= version) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private live(id: string): LogEntry {
    const entry = this.byId.get(id);
    if (!entry || entry.removedAt !== 0) throw new Error(`transaction ${id} is not present`);
    return entry;
  }
}
