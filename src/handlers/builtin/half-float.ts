const single = new Float32Array(1);
const singleBits = new Uint32Array(single.buffer);

/**
 * IEEE half-precision bits for a number, rounded to nearest even. The number is first rounded to
 * single precision, so a value exactly between two halves after that rounding may differ from a
 * direct conversion in its last bit.
 */
export function toHalfBits(value: number): number {
  single[0] = value;
  const bits = singleBits[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff - 127 + 15) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) return sign | subnormalHalf(mantissa | 0x800000, 14 - exponent);
  return sign | roundShift((exponent << 23) | mantissa, 13);
}

export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function subnormalHalf(mantissa: number, shift: number): number {
  return shift > 24 ? 0 : roundShift(mantissa, shift);
}

/** `value >> shift`, rounded to nearest even; a carry into the exponent is the right answer. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}
