/** Whether two JSON documents (policies, redrive policies) say the same, whatever their key order and spacing. */
export function sameJson(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return canonical(JSON.parse(a)) === canonical(JSON.parse(b));
  } catch {
    return a === b;
  }
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      // SQS answers maxReceiveCount as a number or a string depending on who wrote it.
      .map(([k, v]) => [k, k === "maxReceiveCount" ? Number(v) : sorted(v)]),
  );
}

function canonical(value: unknown): string {
  return JSON.stringify(sorted(value));
}
