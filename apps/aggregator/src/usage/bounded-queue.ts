/**
 * A FIFO with a size bound that drops its oldest items when full. Array + head index, so
 * dropping and taking are O(1) amortised even while the database is down and it stays full.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private droppedTotal = 0;

  constructor(
    private readonly max: number,
    private readonly onDropped?: (count: number) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  push(item: T): void {
    this.items.push(item);
    this.trim();
  }

  /** Removes and returns up to `n` of the oldest items. */
  take(n: number): T[] {
    const batch = this.items.slice(this.head, this.head + n);
    // The taken slots let go of their items now, not at the next compaction: the batch's
    // records may then die young once written, instead of being promoted to the old
    // generation and left to the (dearer) major collector.
    this.items.fill(undefined as T, this.head, this.head + batch.length);
    this.head += batch.length;
    this.compact();
    return batch;
  }

  /** Puts a batch that could not be written back in front, then enforces the bound. */
  putBack(batch: readonly T[]): void {
    this.items = [...batch, ...this.items.slice(this.head)];
    this.head = 0;
    this.trim();
  }

  private trim(): void {
    const excess = this.size - this.max;
    if (excess <= 0) return;
    this.head += excess;
    this.droppedTotal += excess;
    this.onDropped?.(excess);
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
