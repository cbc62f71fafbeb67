import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { JwtClaims, RpcArgs, Transport, Unsubscribe } from '../transport';
import {
  assertFunctionName,
  buildCall,
  IMPERSONATE_QUERY,
  impersonationValues,
  SIGNATURE_QUERY,
  toSignature,
  type FunctionSignature,
  type SignatureRow,
} from './sql-call';

export interface PGliteTransportOptions {
  /** Run every call as this user (`set local` in a transaction: never a session `set role`, which
   * would leak to every tab sharing the database). Omit to call as the service role. */
  claims?: JwtClaims;
  /** Close the database with the transport (default false: the app owns it). */
  ownsDatabase?: boolean;
}

/** Transport over an embedded PGlite database (in the browser, or in Node for tests). */
export class PGliteTransport implements Transport {
  private readonly signatures = new Map<string, Promise<FunctionSignature>>();

  constructor(
    readonly db: PGliteInterface,
    private readonly options: PGliteTransportOptions = {},
  ) {}

  async rpc(fn: string, args?: RpcArgs): Promise<unknown> {
    const { text, values } = buildCall(await this.signature(fn), args);
    const claims = this.options.claims;
    if (!claims) {
      try {
        const result = await this.db.query<{ result: unknown }>(text, values);
        return result.rows[0]?.result ?? null;
      } catch (error) {
        // A protocol-level failure can leave the single shared session inside an aborted
        // transaction, which would break every later call from every tab.
        if ((error as { code?: string }).code === '08P01') await this.db.exec('rollback').catch(() => undefined);
        throw error;
      }
    }
    return this.db.transaction(async (tx: Transaction) => {
      await tx.query(IMPERSONATE_QUERY, impersonationValues(claims));
      const result = await tx.query<{ result: unknown }>(text, values);
      return result.rows[0]?.result ?? null;
    });
  }

  async subscribe(channel: string, listener: (payload: string) => void): Promise<Unsubscribe> {
    const unlisten = await this.db.listen(channel, listener);
    return () => unlisten();
  }

  async close(): Promise<void> {
    if (this.options.ownsDatabase) await this.db.close();
  }

  /** The same database seen as another user (or as the service role with no claims). */
  as(claims: JwtClaims | undefined): PGliteTransport {
    return new PGliteTransport(this.db, { claims });
  }

  private signature(fn: string): Promise<FunctionSignature> {
    let cached = this.signatures.get(fn);
    if (!cached) {
      assertFunctionName(fn);
      cached = this.db.query<SignatureRow>(SIGNATURE_QUERY, [fn]).then((result) => toSignature(fn, result.rows));
      cached.catch(() => this.signatures.delete(fn));
      this.signatures.set(fn, cached);
    }
    return cached;
  }
}

export function createPGliteTransport(db: PGliteInterface, options?: PGliteTransportOptions): PGliteTransport {
  return new PGliteTransport(db, options);
}
