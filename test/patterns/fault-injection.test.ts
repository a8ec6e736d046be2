import { Chart, Duration, Testing } from 'cdk8s';
import { FaultAbort, GrpcStatus, StringMatch } from '../../src';
import { FaultInjection, RequestMatch } from '../../src/patterns/fault-injection';
import { MeshService } from '../../src/patterns/mesh-service';
import { ServiceResilience } from '../../src/patterns/resilience';

function bookinfo(): Chart {
  return new Chart(Testing.app(), 'bookinfo', { namespace: 'bookinfo' });
}

/** Synthesizes a service with this fault experiment and returns its VirtualService rules. */
function rulesFor(fault: FaultInjection): any[] {
  const chart = bookinfo();
  const service = new MeshService(chart, 'ratings', { port: 9080, image: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3' });
  new ServiceResilience(chart, 'chaos', { service, faultInjection: fault });
  return Testing.synth(chart).find((o) => o.kind === 'VirtualService').spec.http;
}

/** The rendered match of a request condition (as the scoped fault's rule). */
function matchOf(match: RequestMatch): any {
  const [rule] = rulesFor(FaultInjection.abort(503, { match }));
  expect(rule.name).toBe('fault-injection');
  expect(rule.match).toHaveLength(1);
  return rule.match[0];
}

/** Whether an RE2 header regex (JavaScript-compatible subset) accepts a whole value, as Envoy does. */
function accepts(regex: string, value: string): boolean {
  return new RegExp(`^(?:${regex})$`).test(value);
}

describe('RequestMatch', () => {
  test('user(): the end-user header, exactly', () => {
    expect(matchOf(RequestMatch.user('jason'))).toEqual({ headers: { 'end-user': { exact: 'jason' } } });
  });

  test('header(): any header condition', () => {
    expect(matchOf(RequestMatch.header('x-canary', StringMatch.prefix('tru')))).toEqual({ headers: { 'x-canary': { prefix: 'tru' } } });
  });

  test('userAgent() and cookieRegex(): regexes on their headers', () => {
    expect(matchOf(RequestMatch.userAgent('.*Firefox.*'))).toEqual({ headers: { 'user-agent': { regex: '.*Firefox.*' } } });
    expect(matchOf(RequestMatch.cookieRegex('^(.*?;)?(user=jason)(;.*)?$'))).toEqual({ headers: { cookie: { regex: '^(.*?;)?(user=jason)(;.*)?$' } } });
  });

  test('cookie(): finds name=value anywhere in the Cookie header, and nothing else', () => {
    const regex = matchOf(RequestMatch.cookie('beta', 'yes')).headers.cookie.regex;
    for (const header of ['beta=yes', 'session=abc; beta=yes', 'beta=yes; session=abc', 'a=1;beta=yes;b=2']) {
      expect([header, accepts(regex, header)]).toEqual([header, true]);
    }
    for (const header of ['beta=no', 'notbeta=yes', 'beta=yes2', 'session=beta=yes', 'xbeta=yes; c=1', '']) {
      expect([header, accepts(regex, header)]).toEqual([header, false]);
    }
  });

  test('cookie(): special characters of the name and value are literal', () => {
    const regex = matchOf(RequestMatch.cookie('ab.test', 'v+1')).headers.cookie.regex;
    expect(accepts(regex, 'ab.test=v+1')).toBe(true);
    expect(accepts(regex, 'abXtest=v+1')).toBe(false);
    expect(accepts(regex, 'ab.test=vv1')).toBe(false);
  });

  test('of(): any VirtualService match', () => {
    expect(matchOf(RequestMatch.of({ uri: StringMatch.prefix('/ratings'), method: StringMatch.exact('GET') })))
      .toEqual({ uri: { prefix: '/ratings' }, method: { exact: 'GET' } });
  });

  test('allOf(): every condition must hold, in one match', () => {
    const m = RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.userAgent('.*Firefox.*'), RequestMatch.of({ uri: StringMatch.prefix('/api') }));
    expect(m.description).toBe('user jason and user agent and match');
    expect(matchOf(m)).toEqual({ headers: { 'end-user': { exact: 'jason' }, 'user-agent': { regex: '.*Firefox.*' } }, uri: { prefix: '/api' } });
  });

  test('allOf(): the same condition twice is kept once', () => {
    expect(matchOf(RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.user('jason')))).toEqual({ headers: { 'end-user': { exact: 'jason' } } });
  });
});

describe('FaultInjection', () => {
  test('delay() for a share of every request', () => {
    const f = FaultInjection.delay(Duration.seconds(2), { percentage: 0.5 });
    expect(f.match).toBeUndefined();
    expect(f.fault).toEqual({ delay: { fixedDelay: Duration.seconds(2), percentage: 0.5 } });
    expect(rulesFor(f)).toEqual([{ name: 'default', route: [{ destination: { host: 'ratings.bookinfo.svc.cluster.local' } }], fault: { delay: { fixedDelay: '2s', percentage: { value: 0.5 } } } }]);
  });

  test('abort() for matching requests only: 100% of them unless stated', () => {
    const [faulted, rest] = rulesFor(FaultInjection.abort(500, { match: RequestMatch.user('tester') }));
    expect(faulted.fault).toEqual({ abort: { httpStatus: 500, percentage: { value: 100 } } });
    expect(faulted.match).toEqual([{ headers: { 'end-user': { exact: 'tester' } } }]);
    expect(rest.fault).toBeUndefined();
    expect(rest.match).toBeUndefined();
  });

  test('grpcAbort() with a gRPC status name', () => {
    const [rule] = rulesFor(FaultInjection.grpcAbort(GrpcStatus.UNAVAILABLE, { percentage: 25 }));
    expect(rule.fault).toEqual({ abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 25 } } });
  });

  test('of(): delay and abort together, each with its own share', () => {
    const [faulted] = rulesFor(FaultInjection.of({
      fault: { delay: { fixedDelay: Duration.millis(300), percentage: 50 }, abort: FaultAbort.http(503) },
      match: RequestMatch.header('x-chaos', StringMatch.exact('on')),
    }));
    expect(faulted.fault).toEqual({ delay: { fixedDelay: '300ms', percentage: { value: 50 } }, abort: { httpStatus: 503, percentage: { value: 100 } } });
  });

  describe('bad input', () => {
    test('a fault on every request without a percentage', () => {
      expect(() => rulesFor(FaultInjection.delay(Duration.seconds(5))))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.delay.percentage undefined is invalid: a fault without `match` applies to every request of the service.*Fix: .*write percentage: 100 to fault every request deliberately/);
    });

    test('a percentage above 100', () => {
      expect(() => rulesFor(FaultInjection.abort(503, { percentage: 120 })))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.percentage 120 is invalid: a percentage must be a number from 0 to 100\. Fix: pass e\.g\. 10/);
    });

    test('an HTTP status that is not an error code', () => {
      expect(() => rulesFor(FaultInjection.abort(700, { percentage: 10 })))
        .toThrow(/http\[0\].fault.abort.httpStatus 700 is invalid: the HTTP status must be an integer from 200 to 599\. Fix: use e\.g\. 503/);
    });

    test('a gRPC status by number or in lower case (from JavaScript, where enums are not checked)', () => {
      expect(() => rulesFor(FaultInjection.grpcAbort('unavailable' as GrpcStatus, { percentage: 10 })))
        .toThrow(/fault.abort.grpcStatus "unavailable" is invalid: it is not a gRPC status name\. Fix: use an upper-case name such as "UNAVAILABLE"/);
    });

    test('a fault with neither delay nor abort', () => {
      expect(() => rulesFor(FaultInjection.of({ fault: {}, match: RequestMatch.user('jason') })))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.fault \{\} is invalid: a fault needs a delay, an abort, or both/);
    });

    test('a header name in upper case', () => {
      expect(() => matchOf(RequestMatch.header('End-User', StringMatch.exact('jason'))))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.match header "End-User" is invalid: a header name in a match must be a lower-case HTTP token.*Fix: write "end-user"/);
    });

    test('a cookie name with a space', () => {
      expect(() => matchOf(RequestMatch.cookie('beta user', 'yes')))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.match cookie name "beta user" is invalid: a cookie name must be a non-empty RFC 6265 token/);
    });

    test('a cookie value with a semicolon', () => {
      expect(() => matchOf(RequestMatch.cookie('beta', 'yes;admin=1')))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.match cookie value "yes;admin=1" is invalid: a cookie value cannot contain .*semicolons.*Fix: use a plain value/);
    });

    test('an empty user name', () => {
      expect(() => matchOf(RequestMatch.user(''))).toThrow(/\[bookinfo\/chaos\] faultInjection.match user "" is invalid: the user name must not be empty/);
    });

    test('a user-agent regex RE2 rejects', () => {
      expect(() => matchOf(RequestMatch.userAgent('(?=Firefox).*')))
        .toThrow(/headers.user-agent.regex "\(\?=Firefox\)\.\*" is invalid: RE2 \(used by Envoy\) does not support look-ahead/);
    });

    test('conditions that contradict each other', () => {
      expect(() => matchOf(RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.user('bob'))))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.match "user jason and user bob" is invalid: the combined conditions contradict each other.*Fix: combine conditions that can hold together/);
    });

    test('allOf() without conditions', () => {
      expect(() => matchOf(RequestMatch.allOf())).toThrow(/\[bookinfo\/chaos\] faultInjection.match \[\] is invalid: allOf\(\) needs at least one condition/);
    });

    test('two different kinds of condition on one header', () => {
      expect(() => matchOf(RequestMatch.allOf(RequestMatch.user('jason'), RequestMatch.header('end-user', StringMatch.regex('j.*')))))
        .toThrow(/\[bookinfo\/chaos\] faultInjection.match.headers.end-user \[\{"exact":"jason"\},\{"regex":"j\.\*"\}\] is invalid: the combined conditions constrain the same name twice.*Fix: .*RequestMatch.of\(\)/);
    });
  });
});
