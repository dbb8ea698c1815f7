/**
 * A backend's private ring indices in a migration record. The shared page moves with the guest's
 * memory; what moves here is the backend's own view (requests consumed, responses produced), and
 * it must say that every request consumed was answered: a backend is quiesced before its record
 * is taken, and a record with requests in hand is not one it could have written.
 */
import { MigrationStateError, type StateReader, type StateRecord } from '../../vmm/state-reader.js';
import type { BackRing } from '../ring.js';

export const ringRecord = (r: BackRing): StateRecord => ({ reqCons: r.reqCons, rspProdPvt: r.rspProdPvt });

/** reqCons and rspProdPvt of `r`, checked: 32-bit, and equal (nothing taken and left unanswered). */
export function ringIndices(r: StateReader): { reqCons: number; rspProdPvt: number } {
  const reqCons = r.int('reqCons', 0, 0xffff_ffff), rspProdPvt = r.int('rspProdPvt', 0, 0xffff_ffff);
  if (reqCons !== rspProdPvt) throw new MigrationStateError(`${r.what}: ${(reqCons - rspProdPvt) >>> 0} requests were taken and not answered (a quiesced backend answers every one)`);
  return { reqCons, rspProdPvt };
}
