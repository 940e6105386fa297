// The hash of run plans' names and of the names a pattern matched, as native/hash.c has it.

/** 64-bit FNV-1a: cheap to compute in C, and the plan's key is compared in full anyway. */
export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}
