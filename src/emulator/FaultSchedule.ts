import type { FaultKind } from './FaultKind';

export interface FaultScheduleOptions {
  sequence?: readonly FaultKind[];
  rate?: number;
  kinds?: readonly FaultKind[];
  random: () => number;
}

/** Decides the fault for each successive request: first the fixed sequence, then random faults at `rate`. */
export class FaultSchedule {
  private served = 0;
  private readonly sequence: readonly FaultKind[];
  private readonly rate: number;
  private readonly kinds: readonly FaultKind[];

  constructor(private readonly options: FaultScheduleOptions) {
    this.sequence = options.sequence ?? [];
    this.rate = options.rate ?? 0;
    this.kinds = options.kinds ?? ['429', '503'];
    if (!(this.rate >= 0 && this.rate <= 1))
      throw new RangeError(`faultRate must be within 0-1, got ${this.rate}.`);
    if (this.rate > 0 && this.kinds.length === 0) throw new RangeError('faultKinds must not be empty.');
  }

  next(): FaultKind {
    const index = this.served;
    this.served += 1;
    const scheduled = this.sequence[index];
    if (scheduled !== undefined) return scheduled;
    if (this.rate === 0) return 'ok';
    // Two draws per request whether or not it faults, so one request's outcome never shifts the next ones.
    const hit = this.options.random() < this.rate;
    const pick = this.kinds[Math.floor(this.options.random() * this.kinds.length)] ?? 'ok';
    return hit ? pick : 'ok';
  }
}
