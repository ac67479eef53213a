/**
 * Timers the sandbox can cancel all at once (reset, shutdown). Work started before a cancel and still in
 * flight (an HTTP delivery, say) compares `epoch` after its await, so it never schedules anything after it.
 */
export class Timers {
  #pending = new Set<NodeJS.Timeout>();
  #epoch = 0;

  get epoch(): number {
    return this.#epoch;
  }

  after(ms: number, run: () => void): void {
    const epoch = this.#epoch;
    const timer = setTimeout(
      () => {
        this.#pending.delete(timer);
        if (epoch === this.#epoch) run();
      },
      Math.max(0, ms),
    );
    this.#pending.add(timer);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  cancelAll(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
    this.#epoch++;
  }
}
