/**
 * The command side's errors, in one place. How a command ends follows from the class (run.ts):
 * UsageError exits 2 with the usage; RefusedError ("refused: …") and StoppedError ("stopped: …")
 * exit 1 with one line saying why; any other error exits 1 with its message as "failed: …". An error that wraps
 * another keeps it as `cause`.
 */

/** The arguments are wrong: the message says which, the usage follows it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A change or a request the command will not make, with the reason for the user. */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** A run that had to stop part-way (its progress saved, for example). */
export class StoppedError extends Error {
  override name = 'StoppedError';
}

/** OpenObserve answered with a status the caller may handle (404, 409). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(
      `OpenObserve answered ${method} ${path} with HTTP ${status}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** An answer without the shape docs/contracts.md §6 describes: not an OpenObserve this tool knows. */
export class UnexpectedAnswerError extends RefusedError {
  override name = 'UnexpectedAnswerError';
}

/** A server did not answer at all: time-out, refused connection, unknown host. */
export class NoAnswerError extends StoppedError {
  override name = 'NoAnswerError';
}

/** The endpoint refused a batch for good (400, or 413 for one event): keep it, go on. */
export class RejectedError extends Error {
  override name = 'RejectedError';
}

/** A delivery must stop: credentials refused, or retries exhausted. */
export class DeliveryStoppedError extends StoppedError {
  override name = 'DeliveryStoppedError';
}

/**
 * The endpoint answered, but not as OpenObserve's Firehose endpoint: a redirect (never followed:
 * it would resend the key elsewhere, and turns the POST into a body-less GET, §8) or an answer
 * without the acknowledgement. Nothing of the batch counts as delivered.
 */
export class NotAcknowledgedError extends DeliveryStoppedError {
  override name = 'NotAcknowledgedError';
}

/** The rest of a replay source cannot be read (a truncated or corrupt gzip stream). */
export class UnreadableSourceError extends Error {
  override name = 'UnreadableSourceError';
  constructor(
    /** The last record read whole. */
    readonly line: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
