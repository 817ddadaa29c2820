// Reading differences between outputs: one case against its golden (a readable diff), and one run against every
// recorded class (the cross-class report that says whether a new class computes the same numbers as a known one).
import type { TensorSummary } from './digest.js';
import type { GoldenFile } from './golden-file.js';

/** How two tensors' values compare: how many differ and by how much (ULP for floats, units for integers). */
export interface ValueComparison {
  /** Values that differ. */
  differing: number;
  /** Values compared: every value when both summaries store their data, else only the leading `head` values. */
  compared: number;
  /** The largest distance between two compared values. */
  maxDistance: bigint;
  /** True when every value was compared (both sides store `data`). */
  complete: boolean;
  /** `ulp` for floating-point dtypes, `units` for integers and booleans. */
  unit: 'ulp' | 'units';
}

/** A readable diff of one case, or undefined when every output digest matches. */
export function compareGolden(expected: GoldenFile, actual: GoldenFile, where: string): string | undefined {
  const lines: string[] = [];
  for (const name of new Set([...Object.keys(expected.outputs), ...Object.keys(actual.outputs)])) {
    const e = expected.outputs[name];
    const a = actual.outputs[name];
    if (e && a && e.sha256 === a.sha256) continue;
    if (!e || !a) {
      lines.push(`  output ${name}: ${e ? 'missing from this run' : 'not in the golden'}`);
      continue;
    }
    lines.push(`  output ${name}: expected sha256 ${e.sha256}`, `  ${' '.repeat(name.length + 9)}actual   sha256 ${a.sha256}`);
    const shapeE = `${e.dtype}[${e.shape.join(',')}]`;
    const shapeA = `${a.dtype}[${a.shape.join(',')}]`;
    lines.push(`    dtype/shape: ${shapeE === shapeA ? `${shapeE} (same)` : `expected ${shapeE}, actual ${shapeA}`}`);
    if (shapeE === shapeA) lines.push(...valueDiff(e, a));
  }
  if (lines.length === 0) return undefined;
  lines.push(
    expected.inputSha256 === actual.inputSha256
      ? '  inputs: same as recorded, so the model output itself changed'
      : `  inputs: CHANGED (recorded ${expected.inputSha256.slice(0, 16)}…, now ${actual.inputSha256.slice(0, 16)}…): seed or src/cases.ts changed; re-record if intended`,
    expected.modelSha256 === actual.modelSha256
      ? '  model: same sha256 as recorded'
      : `  model: CHANGED (recorded ${expected.modelSha256.slice(0, 16)}…, now ${actual.modelSha256.slice(0, 16)}…); re-record if intended`,
  );
  const fields = fingerprintDiff(expected.fingerprint, actual.fingerprint);
  lines.push(
    fields.length > 0
      ? `  fingerprint fields that differ from the recording:\n${fields.map((f) => `    ${f}`).join('\n')}`
      : '  fingerprint: identical to the recording (same class, same environment): a regression or nondeterminism',
  );
  return `golden mismatch: case ${actual.case} in class ${actual.classKey} (${where})\n${lines.join('\n')}`;
}

/** The first differing values and a count over the whole tensor (when stored); both summaries have the same dtype and shape. */
function valueDiff(e: TensorSummary, a: TensorSummary): string[] {
  const cmp = compareValues(e, a);
  const ev = ordinals(e);
  const av = ordinals(a);
  const out: string[] = [];
  for (let i = 0; i < Math.min(ev.length, av.length) && out.length < 5; i++) {
    if (ev[i] === av[i]) continue;
    const distance = ` (${abs(ev[i]! - av[i]!)} ${cmp.unit})`;
    out.push(`      [${i}] expected ${shown(e, i)}  actual ${shown(a, i)}${distance}`);
  }
  const total = `    ${cmp.differing} of ${cmp.compared}${cmp.complete ? '' : ' leading'} values differ, at most ${cmp.maxDistance} ${cmp.unit}`;
  if (out.length > 0) return [total, '    first differing values (flat index):', ...out];
  return cmp.complete
    ? [`    all ${cmp.compared} values are stored and equal: the golden's sha256 does not match its own values (edited by hand?)`]
    : [`    the ${cmp.compared} stored leading values are equal; the difference is further into the tensor`];
}

/** Compares two tensors of the same dtype and shape value by value (all values when both store them). */
export function compareValues(e: TensorSummary, a: TensorSummary): ValueComparison {
  const ev = ordinals(e);
  const av = ordinals(a);
  const complete = e.data !== undefined && a.data !== undefined;
  const compared = Math.min(ev.length, av.length);
  let differing = 0;
  let maxDistance = 0n;
  for (let i = 0; i < compared; i++) {
    if (ev[i] === av[i]) continue;
    differing++;
    const d = abs(ev[i]! - av[i]!);
    if (d > maxDistance) maxDistance = d;
  }
  return { differing, compared, maxDistance, complete, unit: FLOAT_BITS[e.dtype] ? 'ulp' : 'units' };
}

/** Bit widths of the floating-point dtypes the runtimes return; ULP distances are taken on their bit patterns. */
const FLOAT_BITS: Record<string, 16 | 32 | 64> = { float16: 16, float32: 32, float64: 64 };

/** Byte width and reader of each integer dtype (bool is one byte per value); values are stored little-endian. */
const INTEGERS: Record<string, [number, (b: Buffer, at: number) => bigint]> = {
  int8: [1, (b, at) => BigInt(b.readInt8(at))],
  uint8: [1, (b, at) => BigInt(b.readUInt8(at))],
  bool: [1, (b, at) => BigInt(b.readUInt8(at))],
  int16: [2, (b, at) => BigInt(b.readInt16LE(at))],
  uint16: [2, (b, at) => BigInt(b.readUInt16LE(at))],
  int32: [4, (b, at) => BigInt(b.readInt32LE(at))],
  uint32: [4, (b, at) => BigInt(b.readUInt32LE(at))],
  int64: [8, (b, at) => b.readBigInt64LE(at)],
  uint64: [8, (b, at) => b.readBigUInt64LE(at)],
};

/**
 * Every stored value as a point on an integer line where neighbours differ by 1: for floats the bit pattern mapped so
 * that the order matches the numbers (the distance is then the ULP distance), for integers the value itself. Without
 * stored data, the `head` values (numbers, or strings for 64-bit integers).
 */
function ordinals(t: TensorSummary): bigint[] {
  const bits = FLOAT_BITS[t.dtype];
  if (t.data !== undefined) {
    const bytes = Buffer.from(t.data, 'base64');
    const [width, read] = bits ? [bits / 8, (b: Buffer, at: number) => floatLine(readUnsigned(b, at, bits), bits)] : (INTEGERS[t.dtype] ?? [0, () => 0n]);
    if (width > 0) return Array.from({ length: Math.floor(bytes.length / width) }, (_, i) => read(bytes, i * width));
  }
  return t.head.map((v) => {
    if (bits === 32) return floatLine(BigInt(new Uint32Array(new Float32Array([Number(v)]).buffer)[0]!), 32);
    if (bits === 64) return floatLine(new BigUint64Array(new Float64Array([Number(v)]).buffer)[0]!, 64);
    return typeof v === 'string' || Number.isInteger(v) ? BigInt(v) : BigInt(Math.round(v));
  });
}

function readUnsigned(b: Buffer, at: number, bits: 16 | 32 | 64): bigint {
  return bits === 16 ? BigInt(b.readUInt16LE(at)) : bits === 32 ? BigInt(b.readUInt32LE(at)) : b.readBigUInt64LE(at);
}

/** Maps an IEEE bit pattern (unsigned) to a signed line: negative numbers below zero, both zeros at 0. */
function floatLine(raw: bigint, width: 16 | 32 | 64): bigint {
  const sign = 1n << BigInt(width - 1);
  return raw & sign ? -(raw & (sign - 1n)) : raw;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** The value at flat index i as JSON shows it (from `head` when it reaches that far, else decoded from `data`). */
function shown(t: TensorSummary, i: number): string {
  if (i < t.head.length) return String(t.head[i]);
  const bytes = Buffer.from(t.data ?? '', 'base64');
  if (t.dtype === 'float32' && bytes.length >= (i + 1) * 4) return String(bytes.readFloatLE(i * 4));
  if (t.dtype === 'float64' && bytes.length >= (i + 1) * 8) return String(bytes.readDoubleLE(i * 8));
  const integer = INTEGERS[t.dtype];
  return integer && bytes.length >= (i + 1) * integer[0] ? String(integer[1](bytes, i * integer[0])) : `#${i}`;
}

/** Readable `path: old -> new` lines for every leaf that differs between two fingerprint parts. */
export function fingerprintDiff(expected: unknown, actual: unknown, path = ''): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(expected) || !isObj(actual)) return [`${path}: ${JSON.stringify(expected)} -> ${JSON.stringify(actual)}`];
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  return keys.flatMap((k) => fingerprintDiff(expected[k], actual[k], path ? `${path}.${k}` : k));
}

/**
 * One line per recorded class: "identical to class X" when every case gives the same bytes there, else "differs from
 * class X in N values, at most K ULP", with the strict fingerprint fields that tell the two classes apart.
 */
export function crossClassReport(actual: readonly GoldenFile[], classes: ReadonlyMap<string, ReadonlyMap<string, GoldenFile>>): string[] {
  const lines: string[] = [];
  for (const [name, goldens] of classes) {
    let differing = 0;
    let maxDistance = 0n;
    let complete = true;
    let unit: ValueComparison['unit'] = 'ulp';
    const notes: string[] = [];
    for (const current of actual) {
      const golden = goldens.get(current.case);
      if (!golden) {
        notes.push(`case ${current.case} not recorded there`);
        continue;
      }
      if (golden.inputSha256 !== current.inputSha256) notes.push(`case ${current.case} had other inputs`);
      if (golden.modelSha256 !== current.modelSha256) notes.push(`case ${current.case} was recorded for another model`);
      for (const [output, a] of Object.entries(current.outputs)) {
        const e = golden.outputs[output];
        if (e?.sha256 === a.sha256) continue;
        if (!e || e.dtype !== a.dtype || e.shape.join(',') !== a.shape.join(',')) {
          notes.push(`case ${current.case} output ${output} has another dtype or shape`);
          continue;
        }
        const cmp = compareValues(e, a);
        differing += cmp.differing;
        complete &&= cmp.complete;
        if (cmp.unit === 'units') unit = 'units';
        if (cmp.maxDistance > maxDistance) maxDistance = cmp.maxDistance;
        if (cmp.differing === 0) notes.push(`case ${current.case} output ${output}: values beyond the stored ones differ`);
      }
    }
    const fields = fingerprintDiff(goldens.values().next().value?.fingerprint.strict, actual[0]?.fingerprint.strict, 'strict');
    const why = fields.length > 0 ? `; strict fields that differ: ${fields.slice(0, 6).join('; ')}${fields.length > 6 ? '; …' : ''}` : '';
    const extra = notes.length > 0 ? ` (${notes.join('; ')})` : '';
    if (differing === 0 && notes.length === 0) lines.push(`identical to class ${name}${why}`);
    else lines.push(`differs from class ${name} in ${differing} values${complete ? '' : ' of those stored'}, at most ${maxDistance} ${unit === 'ulp' ? 'ULP' : 'units'}${extra}${why}`);
  }
  return lines;
}
