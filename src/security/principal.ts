import { IServiceAccount } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkMatchValue } from './authorization-checks';
import { checkDns1123Label, checkDns1123Subdomain } from '../core/checks';
import { invalid } from '../core/errors';

const DEFAULT_TRUST_DOMAIN = 'cluster.local';
const TRUST_DOMAIN = /^[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?)*$/;

/**
 * A peer identity (the SPIFFE-derived principal of a workload's mTLS certificate), as
 * matched by `principals` / `notPrincipals` of an authorization rule and by the
 * `source.principal` condition.
 *
 * Istio writes a workload principal as `<trust-domain>/ns/<namespace>/sa/<service-account>`,
 * e.g. `cluster.local/ns/default/sa/bookinfo-productpage`. Principals only exist for
 * requests over mutual TLS.
 */
export class Principal {
  /**
   * The principal of a Kubernetes service account:
   * `<trustDomain>/ns/<namespace>/sa/<name>`.
   *
   * @param namespaceName the service account's namespace
   * @param serviceAccountName the service account's name
   * @param trustDomain the mesh trust domain; defaults to `cluster.local`
   */
  public static serviceAccount(namespaceName: string, serviceAccountName: string, trustDomain?: string): Principal {
    return new Principal(false, (scope, field) => {
      checkDns1123Label(scope, `${field} namespace`, namespaceName);
      checkDns1123Subdomain(scope, `${field} service account name`, serviceAccountName);
      return `${checkTrustDomain(scope, field, trustDomain)}/ns/${namespaceName}/sa/${serviceAccountName}`;
    });
  }

  /**
   * The principal of a cdk8s-plus service account (one defined in the app, or imported
   * with `ServiceAccount.fromServiceAccountName`). Its name and namespace are read when
   * the manifest is synthesized; a service account without a namespace (neither its own
   * nor its chart's) fails synthesis, because its principal would be ambiguous.
   *
   * @param serviceAccount the service account
   * @param trustDomain the mesh trust domain; defaults to `cluster.local`
   */
  public static fromServiceAccount(serviceAccount: IServiceAccount, trustDomain?: string): Principal {
    return new Principal(true, (scope, field) => {
      const subject = serviceAccount.toSubjectConfiguration();
      const namespace = subject.namespace;
      if (namespace === undefined || namespace === '') {
        invalid(scope, `${field} (service account ${serviceAccount.node.path})`, subject.name, 'the service account has no namespace, so its principal cluster.local/ns/<namespace>/sa/<name> cannot be derived', 'give the service account (or its chart) a namespace, e.g. new ServiceAccount(chart, "sa", { metadata: { namespace: "default" } }), or use Principal.serviceAccount(namespace, name)');
      }
      checkDns1123Subdomain(scope, `${field} service account name`, subject.name);
      return `${checkTrustDomain(scope, field, trustDomain)}/ns/${namespace}/sa/${subject.name}`;
    });
  }

  /**
   * Any authenticated peer (`*`): matches every request that carries a peer identity, i.e.
   * every request over mutual TLS.
   */
  public static any(): Principal {
    return new Principal(false, () => '*');
  }

  /**
   * A principal written out, e.g. `cluster.local/ns/default/sa/sleep`, or a form Istio
   * matches by prefix (a trailing `*`, e.g. `cluster.local/ns/default/*`) or by suffix
   * (a leading `*`).
   *
   * @param value the principal string
   */
  public static of(value: string): Principal {
    return new Principal(false, (scope, field) => {
      checkMatchValue(scope, field, value, 'cluster.local/ns/default/sa/sleep');
      if (/^spiffe:\/\//i.test(value)) {
        invalid(scope, field, value, 'istiod adds the "spiffe://" prefix itself, so a principal written with it never matches (a DENY rule with it never fires)', `write "${value.replace(/^spiffe:\/\//i, '')}"`);
      }
      return value;
    });
  }

  private constructor(
    private readonly readAtSynth: boolean,
    private readonly producer: (scope: IConstruct, field: string) => string,
  ) {}

  /**
   * Checks the principal when it is added to a policy. Principals read from a service
   * account are checked when the manifest is synthesized instead.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    if (!this.readAtSynth) this.producer(scope, field);
  }

  /**
   * Validates and renders the principal string for `scope`'s manifest.
   * @internal
   */
  public _render(scope: IConstruct, field: string): string {
    return this.producer(scope, field);
  }
}

function checkTrustDomain(scope: IConstruct, field: string, trustDomain: string | undefined): string {
  if (trustDomain === undefined) return DEFAULT_TRUST_DOMAIN;
  if (trustDomain.length > 253 || !TRUST_DOMAIN.test(trustDomain)) {
    invalid(scope, `${field} trust domain`, trustDomain, 'a trust domain must be a DNS-like name without "/" or wildcards', 'use the mesh trust domain, e.g. "cluster.local" or "example.org"');
  }
  return trustDomain;
}
