import type { StoragePort } from '../../ports/types';

/**
 * `value` if it has the fields of `shape` with the right `typeof` (never `null`; a `?` suffix also
 * allows the field to be absent); anything else was tampered with or is stale.
 */
export function shaped<T>(value: unknown, shape: Record<string, string>): T | undefined {
  const record = value as Record<string, unknown> | null | undefined;
  return record &&
    Object.entries(shape).every(([name, type]) =>
      record[name] === undefined
        ? type.endsWith('?')
        : typeof record[name] === type.replace('?', '') && record[name] !== null,
    )
    ? (record as T)
    : undefined;
}

/** Reads JSON from storage; corrupted or unreadable storage is the same as empty storage. */
export function readJson(storage: StoragePort, key: string): unknown {
  try {
    return JSON.parse(storage.get(key) ?? 'null') ?? undefined;
  } catch {
    return undefined; // a throwing store or a corrupted entry alike
  }
}

/** Parses stored JSON; anything unparsable is the same as nothing stored. */
export function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}
