// Who may call whom, as a Markdown table for security review: a row per caller identity (and
// one for callers without a mesh identity), a column per Service, each cell what the caller
// may send (all, the allowed requests, nothing, or that it depends).
import { MeshGraphData } from './graph-model';
import { exceptLabel } from './render-common';
import { AccessLevel, AuthzAccess } from '../authz/authz-types';

/** A Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function describe(a: AuthzAccess): string {
  const except = a.denied.length > 0 ? ` ${exceptLabel(a.denied)}` : '';
  switch (a.level) {
    case AccessLevel.ALL: return `all${except}`;
    case AccessLevel.SOME: return `${a.allowed.join('; ')}${except}`;
    case AccessLevel.DEPENDS: return 'depends';
    default: return '—';
  }
}

/** The Markdown matrix; `access(identity, service)` decides a cell (identity undefined: no mesh identity). */
export function renderAccessMatrix(g: MeshGraphData, access: (identity: string | undefined, service: string) => AuthzAccess): string {
  const columns = g.services.map((s) => s.id);
  const head = ['caller \\ service', ...columns.map((c) => {
    const s = g.services.find((x) => x.id === c)!;
    return `${c}${s.mtls !== 'STRICT' ? ` (mTLS ${s.mtls})` : ''}`;
  })];
  const rows = [
    ...g.callers.map((c) => ({ label: c.node === c.identity || c.node.startsWith('identity:') ? c.identity : `${c.identity} (${c.node})`, identity: c.identity as string | undefined })),
    { label: 'no mesh identity (outside the mesh, plain text)', identity: undefined },
  ];
  const lines = [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.label, ...columns.map((c) => describe(access(r.identity, c)))].map(cell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
