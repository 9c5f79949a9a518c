// Domain errors carry the HTTP status and OGC/STAC error code they map to, so the
// API translates them in one place and services never know about HTTP.
export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string) {
    super(400, 'InvalidParameterValue', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(404, 'NotFound', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

/** Too many attempts (sign-in); the client may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'TooManyRequests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
