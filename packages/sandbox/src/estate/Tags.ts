/** A resource's AWS tags, key to value, as every estate resource carries them. */
export type Tags = Record<string, string>
