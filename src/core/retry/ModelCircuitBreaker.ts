import type { MediaCompletionsError } from '../errors/MediaCompletionsError';
import type { Clock } from '../ports/Clock';

/**
 * Stops calling the model for a while after a configuration fault (a refused credential, a missing role or
 * deployment, an unsupported api-version): every input would get the same answer, and hammering the service
 * with them only fills logs and quota. One per process, shared by every invocation. While open, `open()` gives
 * the fault that opened it, which callers report without a call; after `backoffMs` one call is let through
 * again (half-open): its success closes the breaker, another configuration fault opens it anew.
 */
export class ModelCircuitBreaker {
  private fault: MediaCompletionsError | undefined;
  private until = 0;
  private probing = false;

  constructor(
    private readonly clock: Clock,
    /** How long no call is made after a configuration fault. */
    private readonly backoffMs: number,
  ) {}

  /** The configuration fault last seen and not cleared by a working call since, whether or not still open. */
  get lastFault(): MediaCompletionsError | undefined {
    return this.fault;
  }

  /**
   * The fault while the back-off runs, without taking the half-open probe: lets a caller skip preparing a request
   * (downloads, image conversion) that could not be sent anyway.
   */
  blocking(): MediaCompletionsError | undefined {
    return this.fault !== undefined && this.clock.now() < this.until ? this.fault : undefined;
  }

  /** The configuration fault that keeps the breaker open, or `undefined` when this call may go ahead. */
  open(): MediaCompletionsError | undefined {
    if (this.fault === undefined) return undefined;
    if (this.clock.now() < this.until || this.probing) return this.fault;
    // Half-open: this caller probes; others keep getting the fault until it answers.
    this.probing = true;
    return undefined;
  }

  /**
   * What a call came back with: `undefined` for a success. A configuration fault opens the breaker for
   * `backoffMs`; a success or an input error (the service took our credential and deployment) closes it; a
   * transient failure proves nothing either way, so the next caller probes again.
   */
  record(failure: MediaCompletionsError | undefined): void {
    if (failure?.errorClass === 'configuration') {
      this.fault = failure;
      this.until = this.clock.now() + this.backoffMs;
    } else if (failure === undefined || failure.errorClass === 'input') {
      this.fault = undefined;
    }
    this.probing = false;
  }
}
