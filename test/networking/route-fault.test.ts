import { Duration, Testing } from 'cdk8s';
import { HttpFault } from '../../src/networking/route-fault';
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
      abort: { httpStatus: 503, percentage: 0.5 },
    })).toEqual({
      delay: { fixedDelay: '7s', percentage: { value: 50 } },
      abort: { httpStatus: 503, percentage: { value: 0.5 } },
    });
  });

  test('gRPC abort without a percentage', () => {
    expect(renderFault({ abort: { grpcStatus: 'UNAVAILABLE' } })).toEqual({ abort: { grpcStatus: 'UNAVAILABLE' } });
  });

  describe('bad input', () => {
    test('abort with both httpStatus and grpcStatus', () => {
      expect(() => renderFault({ abort: { httpStatus: 503, grpcStatus: 'UNAVAILABLE' } }))
        .toThrow(/\[test\/vs\] http\[0\].fault.abort.httpStatus and http\[0\].fault.abort.grpcStatus .* is invalid: these fields are mutually exclusive. Fix: give exactly one/);
    });

    test('abort with no status', () => {
      expect(() => renderFault({ abort: { percentage: 10 } })).toThrow(/http\[0\].fault.abort \{"percentage":10\} is invalid: an abort fault needs an error to return/);
    });

    test('HTTP status out of range', () => {
      expect(() => renderFault({ abort: { httpStatus: 600 } })).toThrow(/fault.abort.httpStatus 600 is invalid: the HTTP status must be an integer from 200 to 599/);
    });

    test('numeric gRPC status', () => {
      expect(() => renderFault({ abort: { grpcStatus: '14' } })).toThrow(/fault.abort.grpcStatus "14" is invalid: it is not a gRPC status name. Fix: use an upper-case name such as "UNAVAILABLE"/);
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
