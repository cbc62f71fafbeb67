import { toQueueError } from '../errors';
import type { RpcArgs, Transport } from '../transport';

/** Every queue call goes through here, so database errors become typed errors in one place. */
export async function callRpc(transport: Transport, fn: string, args?: RpcArgs): Promise<unknown> {
  try {
    return await transport.rpc(fn, args);
  } catch (error) {
    throw toQueueError(error);
  }
}

/** Runs a zod parse of input at the edge, turning its error into a ValidationError. */
export function parseInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw toQueueError(error);
  }
}
