/** ERPNext master data (the Country list, the company's currency) is read once and kept this long. */
const MASTER_DATA_TTL_MS = 3600_000;

/**
 * One value read at most once an hour per container, shared by concurrent callers; a failed read
 * is forgotten at once, so the next caller tries again.
 */
export class HourlyCache<T> {
  private cached?: { at: number; value: Promise<T> };

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.cached || Date.now() - this.cached.at > MASTER_DATA_TTL_MS) {
      const value = this.load();
      value.catch(() => {
        this.cached = undefined;
      });
      this.cached = { at: Date.now(), value };
    }
    return this.cached.value;
  }
}
