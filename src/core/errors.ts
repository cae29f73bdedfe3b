// Unexpected failures: one error type with a stable code and a message written for the user.
// Subclasses exist only where callers handle them differently (exit codes, retries).

export class LinkupError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "LinkupError";
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Bad input or config: the user must change something they wrote. */
export class ConfigError extends LinkupError {
  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
    this.name = "ConfigError";
  }
}

/** Someone else changed the thing we were about to write (HTTP 412). */
export class ConflictError extends LinkupError {
  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
    this.name = "ConflictError";
  }
}

/** A server we talk to (worker, local server, Cloudflare) failed or refused. */
export class RemoteError extends LinkupError {
  readonly status: number | undefined;
  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown; status?: number }) {
    super(code, message, options);
    this.name = "RemoteError";
    this.status = options?.status;
  }
}

/**
 * The server refused us for want of a credential we should have had (e.g. the admin-token file was
 * deleted while the local server runs): the user must act, so callers that tolerate an unreachable
 * server never swallow it.
 */
export class CredentialsError extends RemoteError {
  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, { ...options, status: 401 });
    this.name = "CredentialsError";
  }
}
