// Event types as people read them: "jiaodui.photos.PhotoConfirmed.v1" → producer "photos",
// name "PhotoConfirmed", version 1; lists grouped by the service that emits them.
export interface EventTypeParts {
  type: string;
  producer: string;
  name: string;
  version: number;
}

/** The parts of a CloudEvents type of this system (anything else: itself as the name). */
export function parseEventType(type: string): EventTypeParts {
  const m = /^jiaodui\.([a-z]+)\.([A-Za-z0-9]+)\.v(\d+)$/.exec(type);
  if (!m) return { type, producer: "", name: type, version: 1 };
  return { type, producer: m[1] as string, name: m[2] as string, version: Number(m[3]) };
}

/** "PhotoConfirmed v1". */
export function eventLabel(type: string): string {
  const p = parseEventType(type);
  return p.producer ? `${p.name} v${p.version}` : p.name;
}

/** Items grouped by producer, groups in order of first appearance, items by name. */
export function groupByProducer<T extends { producer: string; name: string }>(items: T[]): { producer: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.producer, [...(groups.get(item.producer) ?? []), item]);
  return [...groups.entries()].map(([producer, list]) => ({ producer, items: [...list].sort((a, b) => a.name.localeCompare(b.name)) }));
}

/** A delay in the largest whole unit that fits: 300 → { n: 5, unit: "minute" }. */
export function delayParts(seconds: number): { n: number; unit: "second" | "minute" | "hour" | "day" } {
  if (seconds >= 86400 && seconds % 86400 === 0) return { n: seconds / 86400, unit: "day" };
  if (seconds >= 3600 && seconds % 3600 === 0) return { n: seconds / 3600, unit: "hour" };
  if (seconds >= 60 && seconds % 60 === 0) return { n: seconds / 60, unit: "minute" };
  return { n: seconds, unit: "second" };
}
