// Canonical tensor digests: sha256 over `dtype|shape|little-endian raw bytes`, so the same values hash the same on
// any host byte order, and a shape or dtype change cannot collide with a value change.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

/** The typed arrays onnxruntime returns for numeric tensors. */
export type NumericData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** What a golden file keeps of one tensor: its digest plus enough to read a diff. */
export interface TensorSummary {
  dtype: string;
  shape: number[];
  sha256: string;
  /** The first values; bigint values are written as strings so JSON keeps them exact. */
  head: Array<number | string>;
  /**
   * Every value, as base64 of the little-endian bytes, when the tensor is at most STORED_BYTES: lets a diff count the
   * differing values and their ULP distance across the whole tensor, not only in `head`.
   */
  data?: string;
}

/** How many leading values a summary keeps. */
export const HEAD_VALUES = 16;

/** Tensors up to this size keep all their bytes in the summary (goldens stay small enough to review). */
export const STORED_BYTES = 16 * 1024;

/** The tensor's bytes in little-endian order (a copy only on big-endian hosts). */
export function littleEndianBytes(data: NumericData): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (endianness() === 'LE' || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = Buffer.from(bytes);
  if (data.BYTES_PER_ELEMENT === 2) copy.swap16();
  else if (data.BYTES_PER_ELEMENT === 4) copy.swap32();
  else copy.swap64();
  return copy;
}

/** sha256 hex of `dtype|shape|bytes`; the shape is written as dimensions joined by "x" ("" for a scalar). */
export function tensorSha256(dtype: string, shape: readonly number[], data: NumericData): string {
  return createHash('sha256').update(`${dtype}|${shape.join('x')}|`).update(littleEndianBytes(data)).digest('hex');
}

export function summarize(dtype: string, shape: readonly number[], data: NumericData): TensorSummary {
  const head = Array.from(data.subarray(0, HEAD_VALUES) as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
  const summary: TensorSummary = { dtype, shape: [...shape], sha256: tensorSha256(dtype, shape, data), head };
  if (data.byteLength <= STORED_BYTES) summary.data = littleEndianBytes(data).toString('base64');
  return summary;
}
