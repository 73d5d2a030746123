/** A mistake in how the tool was called; exits 2 so scripts can tell it from a failed run. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Something went wrong while doing the work (server, network, files); exits 1. */
export class CliFailure extends Error {}
