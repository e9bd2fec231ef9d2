// A growing list of ascending byte offsets (where each row of a file being written starts or ends), in
// 4 bytes per entry instead of a Float64Array's 8, and without the copy a doubling array makes when it
// grows: blocks of BLOCK_ENTRIES offsets, each stored relative to its block's first one. A block whose
// rows span 4 GiB or more (rows averaging over 1 MiB) is kept as Float64Array instead, so any file works.
const BLOCK_ENTRIES = 1 << 12;
const MAX_RELATIVE_OFFSET = 0xffffffff;

export interface OffsetList {
  /** Appends an offset: a whole number, not below the last one appended. */
  push(offset: number): void;
  /** The offset at `index` (0-based). */
  get(index: number): number;
  readonly length: number;
}

export function createOffsetList(): OffsetList {
  const bases: number[] = [];
  const blocks: (Uint32Array | Float64Array)[] = [];
  let length = 0;
  let last = 0;
  return {
    push(offset) {
      if (!Number.isSafeInteger(offset) || offset < last) {
        throw new RangeError(`offset ${offset} cannot follow ${last}: offsets must be whole numbers in ascending order`);
      }
      const slot = length % BLOCK_ENTRIES;
      if (slot === 0) {
        blocks.push(new Uint32Array(BLOCK_ENTRIES));
        bases.push(offset);
      }
      const blockIndex = blocks.length - 1;
      let block = blocks[blockIndex] as Uint32Array | Float64Array;
      const relative = offset - (bases[blockIndex] as number);
      if (relative > MAX_RELATIVE_OFFSET && block instanceof Uint32Array) {
        block = Float64Array.from(block);
        blocks[blockIndex] = block;
      }
      block[slot] = relative;
      length += 1;
      last = offset;
    },
    get(index) {
      if (!Number.isInteger(index) || index < 0 || index >= length) {
        throw new RangeError(`offset ${index} does not exist (${length} offsets)`);
      }
      const blockIndex = Math.floor(index / BLOCK_ENTRIES);
      return (bases[blockIndex] as number) + ((blocks[blockIndex] as Uint32Array | Float64Array)[index % BLOCK_ENTRIES] as number);
    },
    get length() {
      return length;
    },
  };
}
