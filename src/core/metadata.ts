import { ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDns1123Label, checkDns1123Subdomain } from './checks';

/**
 * Checks and cleans the metadata a resource construct was given: an explicit name must be
 * a DNS-1123 subdomain and a namespace a DNS-1123 label, and keys explicitly set to
 * `undefined` are dropped (so `{ name: undefined }` keeps the generated name instead of
 * erasing it).
 * @internal
 */
export function renderMetadata(scope: IConstruct, metadata: ApiObjectMetadata | undefined): ApiObjectMetadata | undefined {
  if (metadata === undefined) return undefined;
  checkDns1123Subdomain(scope, 'metadata.name', metadata.name);
  checkDns1123Label(scope, 'metadata.namespace', metadata.namespace);
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)) as ApiObjectMetadata;
}
