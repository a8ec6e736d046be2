// IP / CIDR parsing with Go netip semantics (shared by the CEL library and ajv formats).

/** Strict dotted-quad IPv4 (no leading zeros), as Go's netip.ParseAddr. */
export function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** IPv6 to 16 bytes; zones are rejected. */
export function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%') || !s.includes(':')) return undefined;
  let tail: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const groups: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      groups.push(parseInt(g, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - rest.length).fill(0), ...rest];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(Math.floor(g / 256), g % 256);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** Kubernetes isIP(): IPv4 or IPv6, no zone, no IPv4-mapped IPv6. */
export function k8sIsIP(s: string): boolean {
  if (parseIPv4(s)) return true;
  const v6 = parseIPv6(s);
  if (!v6) return false;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return !mapped;
}

export function ipBytes(s: string): number[] {
  return parseIPv4(s) ?? parseIPv6(s)!;
}

/** Kubernetes isCIDR(): `<ip>/<prefix>` with the prefix within the family's size. */
export function k8sIsCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!k8sIsIP(addr) || !/^(0|[1-9][0-9]*)$/.test(bits)) return false;
  return Number(bits) <= (parseIPv4(addr) ? 32 : 128);
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [addr, bits] = cidr.split('/');
  const a = ipBytes(addr);
  const b = ipBytes(ip);
  if (a.length !== b.length) return false;
  let n = Number(bits);
  for (let i = 0; i < a.length && n > 0; i++, n -= 8) {
    // compare the top min(n, 8) bits of this byte
    const drop = 2 ** Math.max(0, 8 - n);
    if (Math.floor(a[i] / drop) !== Math.floor(b[i] / drop)) return false;
  }
  return true;
}

