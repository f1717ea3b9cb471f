let cachedSecond = -1;
let cached = '';

/** The `Date` header's value, made at most once a second. */
export function dateHeader(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cached = new Date(second * 1000).toUTCString();
  }
  return cached;
}
