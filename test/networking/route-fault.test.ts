import { Duration, Testing } from 'cdk8s';
import { FaultAbort, GrpcStatus, HttpFault } from '../../src/networking/route-fault';
import { VirtualService } from '../../src/networking/virtual-service';
import { fragmentChart } from '../support/fragment';

function renderFault(fault: HttpFault): any {
  const chart = fragmentChart();
  new VirtualService(chart, 'vs', { hosts: ['ratings'], http: [{ route: [{ host: 'ratings' }], fault }] });
  return Testing.synth(chart)[0].spec.http[0].fault;
}

describe('HttpFault', () => {
  test('delay and abort together', () => {
    expect(renderFault({
      delay: { fixedDelay: Duration.seconds(7), percentage: 50 },
      abort: FaultAbort.http(503, { percentage: 0.5 }),
    })).toEqual({
      delay: { fixedDelay: '7s', percentage: { value: 50 } },
      abort: { httpStatus: 503, percentage: { value: 0.5 } },
    });
  });

  test('gRPC abort without a percentage', () => {
    expect(renderFault({ abort: FaultAbort.grpc(GrpcStatus.UNAVAILABLE) })).toEqual({ abort: { grpcStatus: 'UNAVAILABLE' } });
  });

  test('GrpcStatus has the 17 canonical gRPC status names, rendered verbatim', () => {
    const names = Object.values(GrpcStatus);
    expect(names).toEqual(['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
      'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
      'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED']);
    for (const name of names) expect(renderFault({ abort: FaultAbort.grpc(name) })).toEqual({ abort: { grpcStatus: name } });
  });

  test('withPercentage() keeps the status', () => {
    expect(renderFault({ abort: FaultAbort.http(503).withPercentage(20) })).toEqual({ abort: { httpStatus: 503, percentage: { value: 20 } } });
  });

  describe('bad input', () => {
    test('istiod admission: a share Envoy rounds to 0 is refused; 0 and 0.0001 are accepted', () => {
      expect(() => renderFault({ abort: FaultAbort.http(503, { percentage: 0.00001 }) }))
        .toThrow('http[0].fault.abort.percentage 0.00001 is invalid: istiod refuses a share between 0 and 0.0001%, which Envoy would round down to 0');
      expect(renderFault({ abort: FaultAbort.http(503, { percentage: 0.0001 }) }))
        .toEqual({ abort: { httpStatus: 503, percentage: { value: 0.0001 } } });
      expect(renderFault({ abort: FaultAbort.http(503, { percentage: 0 }) })).toEqual({ abort: { httpStatus: 503, percentage: { value: 0 } } });
    });

    test('HTTP status out of range', () => {
      expect(() => renderFault({ abort: FaultAbort.http(600) })).toThrow(/fault.abort.httpStatus 600 is invalid: the HTTP status must be an integer from 200 to 599/);
    });

    test('numeric gRPC status (from JavaScript, where enums are not checked)', () => {
      expect(() => renderFault({ abort: FaultAbort.grpc('14' as GrpcStatus) })).toThrow(/fault.abort.grpcStatus "14" is invalid: it is not a gRPC status name. Fix: use an upper-case name such as "UNAVAILABLE"/);
    });

    test('percentage above 100', () => {
      expect(() => renderFault({ delay: { fixedDelay: Duration.seconds(1), percentage: 150 } })).toThrow(/fault.delay.percentage 150 is invalid: a percentage must be a number from 0 to 100/);
    });

    test('delay below 1ms', () => {
      expect(() => renderFault({ delay: { fixedDelay: Duration.millis(0) } })).toThrow(/fault.delay.fixedDelay "0ms" is invalid: Istio requires a duration of at least 1ms/);
    });

    test('empty fault', () => {
      expect(() => renderFault({})).toThrow(/http\[0\].fault \{\} is invalid: a fault needs a delay, an abort, or both/);
    });
  });
});
