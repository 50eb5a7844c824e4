/**
 * What a create with an `Idempotency-Key` learns about its own writes: whether one of them may
 * have taken effect in the CRM. The upstream client tells it of every write it sends (anything
 * but a GET or a POST marked `idempotent`); an adapter that writes without the upstream client (a
 * database) tells it itself. A create that failed with no write in doubt can be sent again; one
 * that failed after a write that may have taken effect must not be, or the CRM holds two tasks.
 */
export interface WriteLog {
  /**
   * A write is leaving for the CRM: from now on it may take effect. Call `refused()` on what
   * this returns when the CRM surely did not apply it (the connection was refused before
   * anything was sent, or the CRM answered a 4xx); after a 2xx, a 5xx, a timeout or a dropped
   * connection, never.
   */
  sending(): { refused(): void }
}
