import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * pglite-socket (0.2.17) serves every connection from one PGlite session and queues each
 * wire-protocol *message* on its own, pinning the queue to one connection only inside an
 * explicit transaction. An extended-protocol query is several messages (Parse, Bind,
 * Describe, Execute, then Sync): two connections sending parameterised queries at once get
 * their messages interleaved, and PGlite's single unnamed statement is replaced under one of
 * them ("bind message supplies 2 parameters, but prepared statement "" requires 5").
 *
 * This keeps the queue on one connection from its first extended-protocol message to its
 * Sync, as a PostgreSQL server's per-connection session would, and lets a failed message end
 * that connection's turn without stopping the queue for everyone (the library's own loop
 * returns with `processing` still set).
 */

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Frontend messages that leave a query unfinished until Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const MID_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

export function keepQueriesWhole(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== 'function') {
    throw new Error('pglite-socket changed: its query queue is not where Offramp expects it (see server/db/pglite-queue.ts).');
  }
  /** The connection whose extended-protocol query is open (it has sent Parse… but not Sync). */
  let open: number | null = null;

  q.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned = open ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        let item: QueuedMessage | undefined;
        if (pinned !== null) {
          const at = this.queue.findIndex((m) => m.handlerId === pinned);
          if (at === -1) break; // its next message is on the way; enqueue() starts us again
          item = this.queue.splice(at, 1)[0];
        } else item = this.queue.shift();
        if (!item) break;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (d: Uint8Array) => {
                bytes += d.length;
                item.onData(d);
              },
            }),
          );
        } catch (err) {
          if (open === item.handlerId) open = null;
          item.reject(err);
          continue;
        }
        open = MID_SEQUENCE.has(item.message[0]!) ? item.handlerId : open === item.handlerId ? null : open;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that went away mid-query must not hold the queue for ever.
    if (open === handlerId) {
      open = null;
      void q.processQueue();
    }
  };
}
