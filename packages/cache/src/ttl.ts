/** TTL presets in seconds, shared by every app so "short" means the same thing everywhere. */
export const TTL = {
  SHORT: 300,
  MEDIUM: 1800,
  LONG: 3600,
  VERY_LONG: 86400,
} as const;

export type TtlPreset = keyof typeof TTL;
