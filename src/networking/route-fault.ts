import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as l1 from '../../imports/networking.istio.io';
import { checkIstioPercent, expectInstance } from '../core/checks';
import { renderDuration } from '../core/duration';
import { invalid } from '../core/errors';

/**
 * Delays a share of requests before forwarding them.
 */
export interface HttpFaultDelay {
  /** The delay added to each affected request (at least 1ms). */
  readonly fixedDelay: Duration;

  /**
   * Share of requests delayed, 0-100 (fractions allowed).
   *
   * @default - every request (Istio's default of 100%)
   */
  readonly percentage?: number;
}

/**
 * gRPC status codes, by the canonical upper-case names Istio accepts in an abort fault.
 */
export enum GrpcStatus {
  /** Not an error (0). */
  OK = 'OK',
  /** The operation was cancelled (1). */
  CANCELLED = 'CANCELLED',
  /** Unknown error (2). */
  UNKNOWN = 'UNKNOWN',
  /** The client specified an invalid argument (3). */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** The deadline expired before the operation could complete (4). */
  DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED',
  /** An entity was not found (5). */
  NOT_FOUND = 'NOT_FOUND',
  /** The entity already exists (6). */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** The caller may not execute the operation (7). */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** A resource has been exhausted, e.g. a quota (8). */
  RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED',
  /** The system is not in a state required for the operation (9). */
  FAILED_PRECONDITION = 'FAILED_PRECONDITION',
  /** The operation was aborted, e.g. by a concurrency conflict (10). */
  ABORTED = 'ABORTED',
  /** The operation was attempted past the valid range (11). */
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  /** The operation is not implemented (12). */
  UNIMPLEMENTED = 'UNIMPLEMENTED',
  /** Internal error (13). */
  INTERNAL = 'INTERNAL',
  /** The service is currently unavailable (14). */
  UNAVAILABLE = 'UNAVAILABLE',
  /** Unrecoverable data loss or corruption (15). */
  DATA_LOSS = 'DATA_LOSS',
  /** The request has no valid authentication credentials (16). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
}

const GRPC_STATUSES: readonly string[] = Object.values(GrpcStatus);

/**
 * Options of an abort fault.
 */
export interface FaultAbortOptions {
  /**
   * Share of requests aborted, 0-100 (fractions allowed).
   *
   * @default - every request (Istio's default of 100%)
   */
  readonly percentage?: number;
}

/**
 * Aborts a share of requests with an error, as if the upstream had failed: an HTTP status
 * (`FaultAbort.http(503)`) or a gRPC status (`FaultAbort.grpc(GrpcStatus.UNAVAILABLE)`).
 */
export class FaultAbort {
  /**
   * Abort with an HTTP status.
   *
   * @param status the HTTP status returned (200-599), e.g. 503
   */
  public static http(status: number, options: FaultAbortOptions = {}): FaultAbort {
    return new FaultAbort(status, undefined, options.percentage);
  }

  /**
   * Abort with a gRPC status.
   *
   * @param status the gRPC status returned, e.g. `GrpcStatus.UNAVAILABLE`
   */
  public static grpc(status: GrpcStatus, options: FaultAbortOptions = {}): FaultAbort {
    return new FaultAbort(undefined, status, options.percentage);
  }

  private constructor(
    /** The HTTP status returned, for an HTTP abort. */
    public readonly httpStatus: number | undefined,
    /** The gRPC status returned, for a gRPC abort. */
    public readonly grpcStatus: GrpcStatus | undefined,
    /** Share of requests aborted, 0-100 (undefined: every request). */
    public readonly percentage: number | undefined,
  ) {}

  /**
   * The same abort applied to `percentage` % of the requests.
   */
  public withPercentage(percentage: number): FaultAbort {
    return new FaultAbort(this.httpStatus, this.grpcStatus, percentage);
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.VirtualServiceSpecHttpFaultAbort {
    if (this.httpStatus !== undefined && (!Number.isInteger(this.httpStatus) || this.httpStatus < 200 || this.httpStatus > 599)) {
      invalid(scope, `${field}.httpStatus`, this.httpStatus, 'the HTTP status must be an integer from 200 to 599', 'use e.g. 503 or 500');
    }
    if (this.grpcStatus !== undefined && !GRPC_STATUSES.includes(this.grpcStatus)) {
      invalid(scope, `${field}.grpcStatus`, this.grpcStatus, 'it is not a gRPC status name', `use an upper-case name such as "UNAVAILABLE" (one of ${GRPC_STATUSES.join(', ')})`);
    }
    checkIstioPercent(scope, `${field}.percentage`, this.percentage);
    return {
      httpStatus: this.httpStatus,
      grpcStatus: this.grpcStatus,
      percentage: this.percentage !== undefined ? { value: this.percentage } : undefined,
    };
  }
}

/**
 * Fault injection of an HTTP route, applied on the client side. Give a delay, an abort,
 * or both.
 */
export interface HttpFault {
  /**
   * Delay requests.
   *
   * @default - no delay
   */
  readonly delay?: HttpFaultDelay;

  /**
   * Abort requests with an error.
   *
   * @default - no abort
   */
  readonly abort?: FaultAbort;
}

/**
 * Renders the fault injection of an HTTP route.
 * @internal
 */
export function renderFault(scope: IConstruct, field: string, f: HttpFault | undefined): l1.VirtualServiceSpecHttpFault | undefined {
  if (f === undefined) return undefined;
  if (!f.delay && !f.abort) {
    invalid(scope, field, f, 'a fault needs a delay, an abort, or both', 'add delay: { fixedDelay: Duration.seconds(5) } or abort: FaultAbort.http(503)');
  }
  let delay: l1.VirtualServiceSpecHttpFaultDelay | undefined;
  if (f.delay) {
    if (f.delay.fixedDelay === undefined) {
      invalid(scope, `${field}.delay.fixedDelay`, undefined, 'a delay fault needs a fixed delay', 'add fixedDelay: Duration.seconds(5)');
    }
    checkIstioPercent(scope, `${field}.delay.percentage`, f.delay.percentage);
    delay = {
      fixedDelay: renderDuration(scope, `${field}.delay.fixedDelay`, f.delay.fixedDelay),
      percentage: f.delay.percentage !== undefined ? { value: f.delay.percentage } : undefined,
    };
  }
  const abort = expectInstance(scope, `${field}.abort`, f.abort, FaultAbort, 'FaultAbort.http(503)')?._render(scope, `${field}.abort`);
  return { delay, abort };
}
