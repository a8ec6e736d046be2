// Conditions on the source and destination of a request, shared by HTTP, TCP and TLS matches.
import { IConstruct } from 'constructs';
import { checkDns1123Label, checkNonEmpty, checkPort, isCidr, isIpAddress } from '../core/checks';
import { invalid } from '../core/errors';
/**
 * Checks the source conditions a match of any protocol may carry (port, source namespace and labels).
 * @internal
 */
export function renderSourceConditions(
  scope: IConstruct, field: string, m: { port?: number; sourceNamespace?: string; sourceLabels?: { [k: string]: string } },
): void {
  checkPort(scope, `${field}.port`, m.port);
  checkDns1123Label(scope, `${field}.sourceNamespace`, m.sourceNamespace);
  if (m.sourceLabels !== undefined && Object.keys(m.sourceLabels).length === 0) {
    invalid(scope, `${field}.sourceLabels`, m.sourceLabels, 'the label selector must not be empty', 'give at least one label, e.g. { app: "productpage" }, or leave it out');
  }
}

/**
 * Renders destination subnets (IP addresses or CIDR blocks) of a TCP or TLS match.
 * @internal
 */
export function renderSubnets(scope: IConstruct, field: string, subnets: string[] | undefined): string[] | undefined {
  if (subnets === undefined) return undefined;
  checkNonEmpty(scope, field, subnets, 'list at least one subnet, or leave it out');
  subnets.forEach((s, i) => {
    if (!isIpAddress(s) && !isCidr(s)) {
      invalid(scope, `${field}[${i}]`, s, 'it is not an IP address or CIDR subnet', 'write e.g. "10.1.0.0/16" or "192.168.1.10"');
    }
  });
  return [...subnets];
}
